import type { MigrationInterface, QueryRunner } from 'typeorm';

/** How each observed incident was resolved, for the report of known errors in use. */
export class IncidentObservationResolutions1796600000000 implements MigrationInterface {
  name = 'IncidentObservationResolutions1796600000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE "problem"."incident_observations" ADD "resolution_code" text`);
    await runner.query(`ALTER TABLE "problem"."incident_observations" ADD "resolved_at" TIMESTAMP WITH TIME ZONE`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE "problem"."incident_observations" DROP COLUMN "resolved_at"`);
    await runner.query(`ALTER TABLE "problem"."incident_observations" DROP COLUMN "resolution_code"`);
  }
}

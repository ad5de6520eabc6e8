import type { MigrationInterface, QueryRunner } from 'typeorm';

export class IncidentsCreatedIndex1797000000000 implements MigrationInterface {
  name = 'IncidentsCreatedIndex1797000000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE INDEX "incidents_created_idx" ON "incident"."incidents" ("created_at", "id")`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX "incident"."incidents_created_idx"`);
  }
}

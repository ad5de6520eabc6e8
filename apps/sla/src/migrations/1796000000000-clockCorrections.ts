import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Each clock counts the corrections announced for it, so every correction is a fact of its own (its event id). */
export class ClockCorrections1796000000000 implements MigrationInterface {
  name = 'ClockCorrections1796000000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE "sla"."clocks" ADD "corrections" integer NOT NULL DEFAULT 0`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE "sla"."clocks" DROP COLUMN "corrections"`);
  }
}

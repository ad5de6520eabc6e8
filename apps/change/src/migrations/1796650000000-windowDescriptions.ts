import type { MigrationInterface, QueryRunner } from 'typeorm';

/** What a blackout or maintenance window is for, as its managers describe it. */
export class WindowDescriptions1796650000000 implements MigrationInterface {
  name = 'WindowDescriptions1796650000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE "change"."blackout_windows" ADD "description" text NOT NULL DEFAULT ''`);
    await runner.query(`ALTER TABLE "change"."maintenance_windows" ADD "description" text NOT NULL DEFAULT ''`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE "change"."maintenance_windows" DROP COLUMN "description"`);
    await runner.query(`ALTER TABLE "change"."blackout_windows" DROP COLUMN "description"`);
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Why a release was canceled, as its view shows it. */
export class ReleaseCancelReason1796700000000 implements MigrationInterface {
  name = 'ReleaseCancelReason1796700000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE "change"."releases" ADD "cancel_reason" text`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE "change"."releases" DROP COLUMN "cancel_reason"`);
  }
}

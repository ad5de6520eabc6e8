import type { MigrationInterface, QueryRunner } from 'typeorm';

// TypeORM runs migrations in timestamp order and CreateRequests carries a timestamp ahead of the clock when this was
// written; this one must come after it, since it alters the requests table.
export class CallerGroups1795900000001 implements MigrationInterface {
  name = 'CallerGroups1795900000001';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE "incident"."incidents" ADD "caller_groups" text array NOT NULL DEFAULT '{}'`);
    await runner.query(`ALTER TABLE "incident"."requests" ADD "requester_groups" text array NOT NULL DEFAULT '{}'`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE "incident"."requests" DROP COLUMN "requester_groups"`);
    await runner.query(`ALTER TABLE "incident"."incidents" DROP COLUMN "caller_groups"`);
  }
}

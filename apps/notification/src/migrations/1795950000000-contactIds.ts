import type { MigrationInterface, QueryRunner } from 'typeorm';
import { nameUuid } from '@itsm/persistence';

/** Contacts get the UUID their audit rows were always keyed by, and a version, so they are written like every other record. */
export class ContactIds1795950000000 implements MigrationInterface {
  name = 'ContactIds1795950000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE "notification"."contacts" ADD "id" uuid`);
    await runner.query(`ALTER TABLE "notification"."contacts" ADD "version" integer NOT NULL DEFAULT 1`);
    const rows: Array<{ sub: string }> = await runner.query(`SELECT "sub" FROM "notification"."contacts"`);
    if (rows.length > 0) {
      const subs = rows.map((row) => row.sub);
      await runner.query(`UPDATE "notification"."contacts" c SET "id" = v.id FROM unnest($1::text[], $2::uuid[]) AS v(sub, id) WHERE c."sub" = v.sub`, [
        subs,
        subs.map((sub) => nameUuid(`itsm:notification:contact:${sub}`)),
      ]);
    }
    await runner.query(`ALTER TABLE "notification"."contacts" ALTER COLUMN "id" SET NOT NULL`);
    await runner.query(`ALTER TABLE "notification"."contacts" ALTER COLUMN "version" DROP DEFAULT`);
    await runner.query(`ALTER TABLE "notification"."contacts" ADD CONSTRAINT "contacts_id_key" UNIQUE ("id")`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE "notification"."contacts" DROP CONSTRAINT "contacts_id_key"`);
    await runner.query(`ALTER TABLE "notification"."contacts" DROP COLUMN "version"`);
    await runner.query(`ALTER TABLE "notification"."contacts" DROP COLUMN "id"`);
  }
}

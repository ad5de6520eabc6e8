import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Identification looks a CI up by its identifiers on every import row. With GIN's default fast update, new
 * entries wait in a pending list that every lookup reads in full until a vacuum merges it (tens of
 * milliseconds per lookup after a large import); without it, each insert updates the index itself.
 */
export class IdentifierIndexWithoutPendingList1796950000000 implements MigrationInterface {
  name = 'IdentifierIndexWithoutPendingList1796950000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER INDEX "cmdb"."cis_identifiers_idx" SET (fastupdate = off)`);
    await runner.query(`SELECT gin_clean_pending_list('"cmdb"."cis_identifiers_idx"'::regclass)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER INDEX "cmdb"."cis_identifiers_idx" RESET (fastupdate)`);
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The history of a CI includes the relationships from or to it, found in the audit log by their ends: two
 * expression indexes keep that lookup from scanning every audit row.
 */
export class HistoryIndexes1795459600000 implements MigrationInterface {
  name = 'HistoryIndexes1795459600000';

  async up(runner: QueryRunner): Promise<void> {
    for (const end of ['source', 'target']) {
      await runner.query(
        `CREATE INDEX "audit_log_relationship_${end}_idx" ON "cmdb"."audit_log" ((coalesce(after, before) ->> '${end}Id')) WHERE entity_type = 'relationship'`,
      );
    }
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX "cmdb"."audit_log_relationship_target_idx"`);
    await runner.query(`DROP INDEX "cmdb"."audit_log_relationship_source_idx"`);
  }
}

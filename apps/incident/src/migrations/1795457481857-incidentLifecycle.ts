import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The full incident record (ITIL fields, lifecycle, assignment, links), comments and work notes, and routing
 * rules. Existing incidents keep their data: impact and urgency become 1..3, priorities P1..P5, the
 * requester becomes the caller (and the one who opened it).
 */
export class IncidentLifecycle1795457481857 implements MigrationInterface {
  name = 'IncidentLifecycle1795457481857';

  async up(runner: QueryRunner): Promise<void> {
    const t = `"incident"."incidents"`;
    await runner.query(`CREATE TABLE "incident"."incident_comments" ("id" uuid NOT NULL, "incident_id" uuid NOT NULL, "body" text NOT NULL, "visibility" text NOT NULL DEFAULT 'public', "author_id" text NOT NULL, "author_name" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "incident_comments_pkey" PRIMARY KEY ("id"))`);
    await runner.query(`CREATE INDEX "incident_comments_incident_idx" ON "incident"."incident_comments" ("incident_id", "created_at")`);
    await runner.query(`CREATE TABLE "incident"."routing_rules" ("id" uuid NOT NULL, "name" text NOT NULL, "position" integer NOT NULL, "enabled" boolean NOT NULL DEFAULT true, "conditions" jsonb NOT NULL, "assignment_group" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "version" integer NOT NULL, CONSTRAINT "routing_rules_pkey" PRIMARY KEY ("id"))`);
    await runner.query(`CREATE INDEX "routing_rules_position_idx" ON "incident"."routing_rules" ("position")`);
    await runner.query(`ALTER TABLE ${t} DROP CONSTRAINT "incidents_impact_check", DROP CONSTRAINT "incidents_urgency_check", DROP CONSTRAINT "incidents_priority_check"`);
    await runner.query(`DROP INDEX "incident"."incidents_requester_idx"`);
    await runner.query(`ALTER TABLE ${t} RENAME COLUMN "requester_id" TO "caller_id"`);
    await runner.query(`ALTER TABLE ${t} RENAME COLUMN "requester_name" TO "caller_name"`);
    const level = (column: string): string => `CASE ${column} WHEN 'high' THEN 1 WHEN 'medium' THEN 2 ELSE 3 END`;
    await runner.query(
      `ALTER TABLE ${t} ALTER COLUMN "impact" TYPE smallint USING ${level('impact')}, ALTER COLUMN "urgency" TYPE smallint USING ${level('urgency')}, ALTER COLUMN "priority" TYPE text USING 'P' || priority`,
    );
    await runner.query(`UPDATE ${t} SET state = 'canceled' WHERE state = 'cancelled'`);
    await runner.query(
      `ALTER TABLE ${t} ADD "category" text, ADD "subcategory" text, ADD "priority_overridden" boolean NOT NULL DEFAULT false, ADD "hold_reason" text, ADD "resolution_code" text, ADD "resolution_notes" text, ADD "opened_by_id" text, ADD "channel" text NOT NULL DEFAULT 'api', ADD "assignment_group" text, ADD "assignee_id" text, ADD "reassignment_count" integer NOT NULL DEFAULT '0', ADD "service_id" uuid, ADD "ci_ids" uuid array NOT NULL DEFAULT '{}', ADD "major" boolean NOT NULL DEFAULT false, ADD "parent_id" uuid, ADD "problem_id" uuid, ADD "change_ids" uuid array NOT NULL DEFAULT '{}', ADD "merged_into_id" uuid, ADD "reopen_count" integer NOT NULL DEFAULT '0', ADD "opened_at" TIMESTAMP WITH TIME ZONE, ADD "responded_at" TIMESTAMP WITH TIME ZONE, ADD "resolved_at" TIMESTAMP WITH TIME ZONE, ADD "closed_at" TIMESTAMP WITH TIME ZONE`,
    );
    await runner.query(`UPDATE ${t} SET opened_by_id = caller_id, opened_at = created_at`);
    await runner.query(`ALTER TABLE ${t} ALTER COLUMN "opened_by_id" SET NOT NULL, ALTER COLUMN "opened_at" SET NOT NULL`);
    await runner.query(
      `ALTER TABLE ${t} ADD CONSTRAINT "incidents_state_check" CHECK (state IN ('new', 'in_progress', 'on_hold', 'resolved', 'closed', 'canceled', 'merged')), ADD CONSTRAINT "incidents_urgency_check" CHECK (urgency BETWEEN 1 AND 3), ADD CONSTRAINT "incidents_impact_check" CHECK (impact BETWEEN 1 AND 3), ADD CONSTRAINT "incidents_priority_check" CHECK (priority IN ('P1', 'P2', 'P3', 'P4', 'P5'))`,
    );
    await runner.query(`CREATE INDEX "incidents_caller_idx" ON ${t} ("caller_id", "created_at")`);
    await runner.query(`CREATE INDEX "incidents_state_idx" ON ${t} ("state", "created_at")`);
    await runner.query(`CREATE INDEX "incidents_group_idx" ON ${t} ("assignment_group", "state")`);
    await runner.query(`CREATE INDEX "incidents_assignee_idx" ON ${t} ("assignee_id", "state")`);
    await runner.query(`CREATE INDEX "incidents_parent_idx" ON ${t} ("parent_id")`);
    await runner.query(`CREATE INDEX "incidents_service_idx" ON ${t} ("service_id")`);
    await runner.query(`CREATE INDEX "incidents_updated_idx" ON ${t} ("updated_at")`);
    // Auto-close scans only resolved incidents, oldest resolution first.
    await runner.query(`CREATE INDEX "incidents_resolved_idx" ON ${t} ("resolved_at") WHERE state = 'resolved'`);
    // Indexes TypeORM cannot describe (declared with synchronize: false on the entity): CI overlap for
    // duplicate detection and filters, and full-text search over title and description.
    await runner.query(`CREATE INDEX "incidents_ci_ids_idx" ON ${t} USING gin ("ci_ids")`);
    await runner.query(`CREATE INDEX "incidents_search_idx" ON ${t} USING gin (to_tsvector('simple', coalesce(title, '') || ' ' || coalesce(description, '')))`);
  }

  async down(runner: QueryRunner): Promise<void> {
    const t = `"incident"."incidents"`;
    for (const index of ['search', 'ci_ids', 'resolved', 'updated', 'service', 'parent', 'assignee', 'group', 'state', 'caller']) {
      await runner.query(`DROP INDEX "incident"."incidents_${index}_idx"`);
    }
    await runner.query(
      `ALTER TABLE ${t} DROP CONSTRAINT "incidents_priority_check", DROP CONSTRAINT "incidents_impact_check", DROP CONSTRAINT "incidents_urgency_check", DROP CONSTRAINT "incidents_state_check"`,
    );
    await runner.query(
      `ALTER TABLE ${t} DROP COLUMN "category", DROP COLUMN "subcategory", DROP COLUMN "priority_overridden", DROP COLUMN "hold_reason", DROP COLUMN "resolution_code", DROP COLUMN "resolution_notes", DROP COLUMN "opened_by_id", DROP COLUMN "channel", DROP COLUMN "assignment_group", DROP COLUMN "assignee_id", DROP COLUMN "reassignment_count", DROP COLUMN "service_id", DROP COLUMN "ci_ids", DROP COLUMN "major", DROP COLUMN "parent_id", DROP COLUMN "problem_id", DROP COLUMN "change_ids", DROP COLUMN "merged_into_id", DROP COLUMN "reopen_count", DROP COLUMN "opened_at", DROP COLUMN "responded_at", DROP COLUMN "resolved_at", DROP COLUMN "closed_at"`,
    );
    // Merged has no older equivalent: it was a cancellation.
    await runner.query(`UPDATE ${t} SET state = 'cancelled' WHERE state IN ('canceled', 'merged')`);
    const word = (column: string): string => `CASE ${column} WHEN 1 THEN 'high' WHEN 2 THEN 'medium' ELSE 'low' END`;
    await runner.query(
      `ALTER TABLE ${t} ALTER COLUMN "impact" TYPE text USING ${word('impact')}, ALTER COLUMN "urgency" TYPE text USING ${word('urgency')}, ALTER COLUMN "priority" TYPE smallint USING substr(priority, 2)::smallint`,
    );
    await runner.query(`ALTER TABLE ${t} RENAME COLUMN "caller_id" TO "requester_id"`);
    await runner.query(`ALTER TABLE ${t} RENAME COLUMN "caller_name" TO "requester_name"`);
    await runner.query(
      `ALTER TABLE ${t} ADD CONSTRAINT "incidents_urgency_check" CHECK (urgency IN ('high', 'medium', 'low')), ADD CONSTRAINT "incidents_impact_check" CHECK (impact IN ('high', 'medium', 'low')), ADD CONSTRAINT "incidents_priority_check" CHECK (priority BETWEEN 1 AND 5)`,
    );
    await runner.query(`CREATE INDEX "incidents_requester_idx" ON ${t} ("requester_id", "created_at")`);
    await runner.query(`DROP TABLE "incident"."routing_rules"`);
    await runner.query(`DROP TABLE "incident"."incident_comments"`);
  }
}

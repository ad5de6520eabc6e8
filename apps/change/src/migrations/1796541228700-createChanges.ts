import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateChanges1796541228700 implements MigrationInterface {
  name = 'CreateChanges1796541228700';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE "change"."changes" ("id" uuid NOT NULL, "number" text NOT NULL, "type" text NOT NULL, "template_id" uuid, "title" text NOT NULL, "description" text NOT NULL DEFAULT '', "justification" text NOT NULL DEFAULT '', "implementation_plan" text NOT NULL DEFAULT '', "backout_plan" text NOT NULL DEFAULT '', "test_plan" text NOT NULL DEFAULT '', "ci_ids" uuid array NOT NULL DEFAULT '{}', "impact_ci_ids" uuid array NOT NULL DEFAULT '{}', "planned_start" TIMESTAMP WITH TIME ZONE NOT NULL, "planned_end" TIMESTAMP WITH TIME ZONE NOT NULL, "assignment_group" text, "implementer_id" text, "requested_by" text NOT NULL, "incident_ids" uuid array NOT NULL DEFAULT '{}', "problem_ids" uuid array NOT NULL DEFAULT '{}', "state" text NOT NULL, "risk_level" text, "risk" jsonb, "approval" jsonb, "conflicts" jsonb NOT NULL DEFAULT '[]', "conflict_override" jsonb, "outcome" text, "backout_performed" boolean, "review_notes" text, "cancel_reason" text, "implementation_started_at" TIMESTAMP WITH TIME ZONE, "implemented_at" TIMESTAMP WITH TIME ZONE, "closed_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "version" integer NOT NULL, CONSTRAINT "changes_number_key" UNIQUE ("number"), CONSTRAINT "changes_window_check" CHECK (planned_end > planned_start), CONSTRAINT "changes_state_check" CHECK (state IN ('new', 'assess', 'authorize', 'scheduled', 'implement', 'review', 'closed', 'canceled', 'rejected')), CONSTRAINT "changes_type_check" CHECK (type IN ('standard', 'normal', 'emergency')), CONSTRAINT "changes_pkey" PRIMARY KEY ("id"))`);
    await runner.query(`CREATE INDEX "changes_updated_idx" ON "change"."changes" ("updated_at")`);
    await runner.query(`CREATE INDEX "changes_implementer_idx" ON "change"."changes" ("implementer_id", "state")`);
    await runner.query(`CREATE INDEX "changes_group_idx" ON "change"."changes" ("assignment_group", "state")`);
    await runner.query(`CREATE INDEX "changes_window_idx" ON "change"."changes" ("planned_start", "planned_end")`);
    await runner.query(`CREATE INDEX "changes_state_idx" ON "change"."changes" ("state", "created_at")`);
    await runner.query(`CREATE TABLE "change"."incident_observations" ("incident_id" uuid NOT NULL, "version" integer NOT NULL, "number" text NOT NULL, "ci_ids" uuid array NOT NULL DEFAULT '{}', "opened_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "incident_observations_pkey" PRIMARY KEY ("incident_id"))`);
    await runner.query(`CREATE INDEX "incident_observations_opened_idx" ON "change"."incident_observations" ("opened_at")`);
    await runner.query(`CREATE TABLE "change"."releases" ("id" uuid NOT NULL, "number" text NOT NULL, "name" text NOT NULL, "description" text NOT NULL DEFAULT '', "change_ids" uuid array NOT NULL DEFAULT '{}', "planned_start" TIMESTAMP WITH TIME ZONE NOT NULL, "planned_end" TIMESTAMP WITH TIME ZONE NOT NULL, "state" text NOT NULL, "created_by" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "version" integer NOT NULL, CONSTRAINT "releases_number_key" UNIQUE ("number"), CONSTRAINT "releases_window_check" CHECK (planned_end > planned_start), CONSTRAINT "releases_state_check" CHECK (state IN ('planning', 'build', 'test', 'deploy', 'closed', 'canceled')), CONSTRAINT "releases_pkey" PRIMARY KEY ("id"))`);
    await runner.query(`CREATE TABLE "change"."change_templates" ("id" uuid NOT NULL, "name" text NOT NULL, "description" text NOT NULL DEFAULT '', "implementation_plan" text NOT NULL, "backout_plan" text NOT NULL, "test_plan" text NOT NULL DEFAULT '', "allowed_ci_classes" text array NOT NULL DEFAULT '{}', "max_duration_minutes" integer NOT NULL, "enabled" boolean NOT NULL DEFAULT true, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "version" integer NOT NULL, CONSTRAINT "change_templates_name_key" UNIQUE ("name"), CONSTRAINT "change_templates_duration_check" CHECK (max_duration_minutes > 0), CONSTRAINT "change_templates_pkey" PRIMARY KEY ("id"))`);
    await runner.query(`CREATE TABLE "change"."blackout_windows" ("id" uuid NOT NULL, "name" text NOT NULL, "scope" text NOT NULL, "target_ids" uuid array NOT NULL DEFAULT '{}', "starts_at" TIMESTAMP WITH TIME ZONE NOT NULL, "ends_at" TIMESTAMP WITH TIME ZONE NOT NULL, "rrule" text, "time_zone" text NOT NULL DEFAULT 'UTC', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "version" integer NOT NULL, CONSTRAINT "blackout_windows_name_key" UNIQUE ("name"), CONSTRAINT "blackout_windows_span_check" CHECK (ends_at > starts_at), CONSTRAINT "blackout_windows_scope_check" CHECK (scope IN ('global', 'service', 'ci')), CONSTRAINT "blackout_windows_pkey" PRIMARY KEY ("id"))`);
    await runner.query(`CREATE TABLE "change"."maintenance_windows" ("id" uuid NOT NULL, "name" text NOT NULL, "ci_ids" uuid array NOT NULL, "starts_at" TIMESTAMP WITH TIME ZONE NOT NULL, "ends_at" TIMESTAMP WITH TIME ZONE NOT NULL, "rrule" text, "time_zone" text NOT NULL DEFAULT 'UTC', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "version" integer NOT NULL, CONSTRAINT "maintenance_windows_name_key" UNIQUE ("name"), CONSTRAINT "maintenance_windows_span_check" CHECK (ends_at > starts_at), CONSTRAINT "maintenance_windows_pkey" PRIMARY KEY ("id"))`);
    // Human numbers CHG0001001 and REL0001001; a sequence never hands out a number twice, even across replicas.
    await runner.query(`CREATE SEQUENCE "change"."change_number_seq" START WITH 1001`);
    await runner.query(`CREATE SEQUENCE "change"."release_number_seq" START WITH 1001`);
    // The conflict search: changes touching any of a set of CIs, directly or through their impact set.
    await runner.query(`CREATE INDEX "changes_ci_ids_idx" ON "change"."changes" USING gin ("ci_ids")`);
    await runner.query(`CREATE INDEX "changes_impact_ci_ids_idx" ON "change"."changes" USING gin ("impact_ci_ids")`);
    await runner.query(`CREATE INDEX "changes_search_idx" ON "change"."changes" USING gin (to_tsvector('simple', title || ' ' || description))`);
    await runner.query(`CREATE INDEX "incident_observations_ci_ids_idx" ON "change"."incident_observations" USING gin ("ci_ids")`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX "change"."incident_observations_ci_ids_idx"`);
    await runner.query(`DROP INDEX "change"."changes_search_idx"`);
    await runner.query(`DROP INDEX "change"."changes_impact_ci_ids_idx"`);
    await runner.query(`DROP INDEX "change"."changes_ci_ids_idx"`);
    await runner.query(`DROP SEQUENCE "change"."release_number_seq"`);
    await runner.query(`DROP SEQUENCE "change"."change_number_seq"`);
    await runner.query(`DROP TABLE "change"."maintenance_windows"`);
    await runner.query(`DROP TABLE "change"."blackout_windows"`);
    await runner.query(`DROP TABLE "change"."change_templates"`);
    await runner.query(`DROP TABLE "change"."releases"`);
    await runner.query(`DROP INDEX "change"."incident_observations_opened_idx"`);
    await runner.query(`DROP TABLE "change"."incident_observations"`);
    await runner.query(`DROP INDEX "change"."changes_state_idx"`);
    await runner.query(`DROP INDEX "change"."changes_window_idx"`);
    await runner.query(`DROP INDEX "change"."changes_group_idx"`);
    await runner.query(`DROP INDEX "change"."changes_implementer_idx"`);
    await runner.query(`DROP INDEX "change"."changes_updated_idx"`);
    await runner.query(`DROP TABLE "change"."changes"`);
  }
}

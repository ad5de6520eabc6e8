import type { MigrationInterface, QueryRunner } from 'typeorm';
import { nameUuid } from '@itsm/persistence';

/** The rule every installation starts with: 5 incidents with the same CI and category within 24 hours. */
export const DEFAULT_DETECTION_RULE_ID = nameUuid('itsm:problem:detection-rule:default');

export class CreateProblems1796539161260 implements MigrationInterface {
  name = 'CreateProblems1796539161260';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE "problem"."problem_comments" ("id" uuid NOT NULL, "problem_id" uuid NOT NULL, "body" text NOT NULL, "visibility" text NOT NULL DEFAULT 'public', "author_id" text NOT NULL, "author_name" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "problem_comments_pkey" PRIMARY KEY ("id"))`);
    await runner.query(`CREATE INDEX "problem_comments_problem_idx" ON "problem"."problem_comments" ("problem_id", "created_at")`);
    await runner.query(`CREATE TABLE "problem"."detection_rules" ("id" uuid NOT NULL, "name" text NOT NULL, "scope" text NOT NULL, "service_id" uuid, "category" text, "threshold" integer NOT NULL, "window_hours" integer NOT NULL, "enabled" boolean NOT NULL DEFAULT true, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "version" integer NOT NULL, CONSTRAINT "detection_rules_name_key" UNIQUE ("name"), CONSTRAINT "detection_rules_window_check" CHECK (window_hours BETWEEN 1 AND 720), CONSTRAINT "detection_rules_threshold_check" CHECK (threshold BETWEEN 2 AND 1000), CONSTRAINT "detection_rules_scope_check" CHECK (scope IN ('ci', 'service')), CONSTRAINT "detection_rules_pkey" PRIMARY KEY ("id"))`);
    await runner.query(`CREATE TABLE "problem"."incident_observations" ("incident_id" uuid NOT NULL, "version" integer NOT NULL, "number" text NOT NULL, "category" text, "ci_ids" uuid array NOT NULL DEFAULT '{}', "service_id" uuid, "state" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "incident_observations_pkey" PRIMARY KEY ("incident_id"))`);
    await runner.query(`CREATE INDEX "incident_observations_service_idx" ON "problem"."incident_observations" ("service_id", "category")`);
    await runner.query(`CREATE INDEX "incident_observations_created_idx" ON "problem"."incident_observations" ("created_at")`);
    await runner.query(`CREATE TABLE "problem"."known_errors" ("id" uuid NOT NULL, "number" text NOT NULL, "problem_id" uuid NOT NULL, "problem_number" text NOT NULL, "title" text NOT NULL, "symptoms" text NOT NULL, "root_cause" text NOT NULL, "workaround" text NOT NULL, "cause_category" text, "category" text, "service_id" uuid, "ci_ids" uuid array NOT NULL DEFAULT '{}', "state" text NOT NULL, "published_at" TIMESTAMP WITH TIME ZONE NOT NULL, "published_by_id" text NOT NULL, "retired_at" TIMESTAMP WITH TIME ZONE, "retire_reason" text, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "version" integer NOT NULL, CONSTRAINT "known_errors_number_key" UNIQUE ("number"), CONSTRAINT "known_errors_state_check" CHECK (state IN ('published', 'retired')), CONSTRAINT "known_errors_pkey" PRIMARY KEY ("id"))`);
    await runner.query(`CREATE INDEX "known_errors_problem_idx" ON "problem"."known_errors" ("problem_id")`);
    await runner.query(`CREATE TABLE "problem"."problem_incidents" ("problem_id" uuid NOT NULL, "incident_id" uuid NOT NULL, "source" text NOT NULL, "linked_by_id" text NOT NULL, "linked_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "problem_incidents_pkey" PRIMARY KEY ("problem_id", "incident_id"))`);
    await runner.query(`CREATE INDEX "problem_incidents_incident_idx" ON "problem"."problem_incidents" ("incident_id")`);
    await runner.query(`CREATE TABLE "problem"."problems" ("id" uuid NOT NULL, "number" text NOT NULL, "title" text NOT NULL, "description" text NOT NULL DEFAULT '', "category" text NOT NULL, "service_id" uuid, "ci_ids" uuid array NOT NULL DEFAULT '{}', "impact" smallint NOT NULL, "urgency" smallint NOT NULL, "priority" text NOT NULL, "assignment_group" text, "assignee_id" text, "incident_ids" uuid array NOT NULL DEFAULT '{}', "change_ids" uuid array NOT NULL DEFAULT '{}', "root_cause" text, "cause_category" text, "workaround" text, "state" text NOT NULL, "resolution_code" text, "resolution" text, "cancel_reason" text, "detected" boolean NOT NULL DEFAULT false, "detection_key" text, "detection_rule_id" uuid, "detection_rule_name" text, "detection_scope" text, "detection_ci_id" uuid, "detection_service_id" uuid, "detection_category" text, "known_error_id" uuid, "known_error_number" text, "known_error_state" text, "opened_by_id" text NOT NULL, "root_cause_identified_at" TIMESTAMP WITH TIME ZONE, "resolved_at" TIMESTAMP WITH TIME ZONE, "closed_at" TIMESTAMP WITH TIME ZONE, "canceled_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "version" integer NOT NULL, CONSTRAINT "problems_number_key" UNIQUE ("number"), CONSTRAINT "problems_state_check" CHECK (state IN ('new', 'assess', 'root_cause_analysis', 'fix_in_progress', 'resolved', 'closed', 'canceled')), CONSTRAINT "problems_urgency_check" CHECK (urgency BETWEEN 1 AND 3), CONSTRAINT "problems_impact_check" CHECK (impact BETWEEN 1 AND 3), CONSTRAINT "problems_priority_check" CHECK (priority IN ('P1', 'P2', 'P3', 'P4', 'P5')), CONSTRAINT "problems_pkey" PRIMARY KEY ("id"))`);
    await runner.query(`CREATE INDEX "problems_updated_idx" ON "problem"."problems" ("updated_at")`);
    await runner.query(`CREATE INDEX "problems_service_idx" ON "problem"."problems" ("service_id")`);
    await runner.query(`CREATE INDEX "problems_assignee_idx" ON "problem"."problems" ("assignee_id", "state")`);
    await runner.query(`CREATE INDEX "problems_group_idx" ON "problem"."problems" ("assignment_group", "state")`);
    await runner.query(`CREATE INDEX "problems_state_idx" ON "problem"."problems" ("state", "created_at")`);
    // Human numbers PRB0001001 and KE0001001; a sequence never hands out a number twice, even across replicas.
    await runner.query(`CREATE SEQUENCE "problem"."problem_number_seq" START WITH 1001`);
    await runner.query(`CREATE SEQUENCE "problem"."known_error_number_seq" START WITH 1001`);
    await runner.query(`CREATE INDEX "problems_ci_ids_idx" ON "problem"."problems" USING gin ("ci_ids")`);
    await runner.query(`CREATE INDEX "problems_search_idx" ON "problem"."problems" USING gin (to_tsvector('simple', title || ' ' || description))`);
    // One open problem per detected pattern, whichever replica or redelivery opens it.
    await runner.query(
      `CREATE UNIQUE INDEX "problems_open_detection_key" ON "problem"."problems" ("detection_key") WHERE detection_key IS NOT NULL AND state IN ('new', 'assess', 'root_cause_analysis', 'fix_in_progress')`,
    );
    await runner.query(`CREATE INDEX "incident_observations_ci_ids_idx" ON "problem"."incident_observations" USING gin ("ci_ids")`);
    // Ranked search: title first, then symptoms, then root cause and workaround.
    await runner.query(
      `CREATE INDEX "known_errors_search_idx" ON "problem"."known_errors" USING gin ((setweight(to_tsvector('english', title), 'A') || setweight(to_tsvector('english', symptoms), 'B') || setweight(to_tsvector('english', root_cause || ' ' || workaround), 'C')))`,
    );
    // At most one published known error per problem.
    await runner.query(`CREATE UNIQUE INDEX "known_errors_published_problem_key" ON "problem"."known_errors" ("problem_id") WHERE state = 'published'`);
    await runner.query(
      `INSERT INTO "problem"."detection_rules" (id, name, scope, service_id, category, threshold, window_hours, enabled, version) VALUES ($1, 'Same CI and category', 'ci', NULL, NULL, 5, 24, true, 1)`,
      [DEFAULT_DETECTION_RULE_ID],
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX "problem"."known_errors_published_problem_key"`);
    await runner.query(`DROP INDEX "problem"."known_errors_search_idx"`);
    await runner.query(`DROP INDEX "problem"."incident_observations_ci_ids_idx"`);
    await runner.query(`DROP INDEX "problem"."problems_open_detection_key"`);
    await runner.query(`DROP INDEX "problem"."problems_search_idx"`);
    await runner.query(`DROP INDEX "problem"."problems_ci_ids_idx"`);
    await runner.query(`DROP SEQUENCE "problem"."known_error_number_seq"`);
    await runner.query(`DROP SEQUENCE "problem"."problem_number_seq"`);
    await runner.query(`DROP INDEX "problem"."problems_state_idx"`);
    await runner.query(`DROP INDEX "problem"."problems_group_idx"`);
    await runner.query(`DROP INDEX "problem"."problems_assignee_idx"`);
    await runner.query(`DROP INDEX "problem"."problems_service_idx"`);
    await runner.query(`DROP INDEX "problem"."problems_updated_idx"`);
    await runner.query(`DROP TABLE "problem"."problems"`);
    await runner.query(`DROP INDEX "problem"."problem_incidents_incident_idx"`);
    await runner.query(`DROP TABLE "problem"."problem_incidents"`);
    await runner.query(`DROP INDEX "problem"."known_errors_problem_idx"`);
    await runner.query(`DROP TABLE "problem"."known_errors"`);
    await runner.query(`DROP INDEX "problem"."incident_observations_created_idx"`);
    await runner.query(`DROP INDEX "problem"."incident_observations_service_idx"`);
    await runner.query(`DROP TABLE "problem"."incident_observations"`);
    await runner.query(`DROP TABLE "problem"."detection_rules"`);
    await runner.query(`DROP INDEX "problem"."problem_comments_problem_idx"`);
    await runner.query(`DROP TABLE "problem"."problem_comments"`);
  }
}

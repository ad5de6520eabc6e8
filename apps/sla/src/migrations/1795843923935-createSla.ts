import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateSla1795843923935 implements MigrationInterface {
  name = 'CreateSla1795843923935';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE "sla"."calendars" ("id" uuid NOT NULL, "name" text NOT NULL, "description" text, "time_zone" text NOT NULL, "weekly" jsonb NOT NULL, "holidays" jsonb NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "version" integer NOT NULL, CONSTRAINT "calendars_name_key" UNIQUE ("name"), CONSTRAINT "calendars_pkey" PRIMARY KEY ("id"))`);
    await runner.query(`CREATE TABLE "sla"."clock_alerts" ("clock_id" uuid NOT NULL, "threshold_percent" integer NOT NULL, "due_at" TIMESTAMP WITH TIME ZONE NOT NULL, "emitted_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "clock_alerts_pkey" PRIMARY KEY ("clock_id", "threshold_percent"))`);
    await runner.query(`CREATE INDEX "clock_alerts_breaches_idx" ON "sla"."clock_alerts" ("due_at") WHERE threshold_percent = 100`);
    await runner.query(`CREATE TABLE "sla"."clocks" ("id" uuid NOT NULL, "ticket_id" uuid NOT NULL, "ticket_type" text NOT NULL, "ticket_number" text NOT NULL, "policy_id" uuid NOT NULL, "policy_name" text NOT NULL, "kind" text NOT NULL, "metric" text NOT NULL, "cycle" integer NOT NULL, "calendar_id" text NOT NULL, "target_ms" bigint NOT NULL, "warn_at" integer array NOT NULL, "status" text NOT NULL, "elapsed_ms" bigint NOT NULL, "since" TIMESTAMP WITH TIME ZONE NOT NULL, "started_at" TIMESTAMP WITH TIME ZONE NOT NULL, "stopped_at" TIMESTAMP WITH TIME ZONE, "stop_reason" text, "breached_at" TIMESTAMP WITH TIME ZONE, "due_at" TIMESTAMP WITH TIME ZONE, "history" jsonb NOT NULL, "next_alert_at" TIMESTAMP WITH TIME ZONE, "priority" text, "assignment_group" text, "service_id" uuid, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "clocks_ticket_policy_metric_cycle_key" UNIQUE ("ticket_id", "policy_id", "metric", "cycle"), CONSTRAINT "clocks_pkey" PRIMARY KEY ("id"))`);
    await runner.query(`CREATE INDEX "clocks_policy_idx" ON "sla"."clocks" ("policy_id")`);
    await runner.query(`CREATE INDEX "clocks_stopped_idx" ON "sla"."clocks" ("stopped_at")`);
    await runner.query(`CREATE INDEX "clocks_next_alert_idx" ON "sla"."clocks" ("next_alert_at") WHERE next_alert_at IS NOT NULL`);
    await runner.query(`CREATE TABLE "sla"."ticket_facts" ("ticket_id" uuid NOT NULL, "version" integer NOT NULL, "event_id" uuid NOT NULL, "event_type" text NOT NULL, "snapshot" jsonb NOT NULL, "received_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "ticket_facts_pkey" PRIMARY KEY ("ticket_id", "version"))`);
    await runner.query(`CREATE TABLE "sla"."tickets" ("id" uuid NOT NULL, "type" text NOT NULL, "number" text NOT NULL, "last_snapshot" jsonb, "open" boolean NOT NULL DEFAULT true, "stale" boolean NOT NULL DEFAULT false, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "tickets_pkey" PRIMARY KEY ("id"))`);
    await runner.query(`CREATE INDEX "tickets_stale_idx" ON "sla"."tickets" ("id") WHERE stale`);
    await runner.query(`CREATE TABLE "sla"."policies" ("id" uuid NOT NULL, "name" text NOT NULL, "description" text, "kind" text NOT NULL, "rank" integer NOT NULL, "enabled" boolean NOT NULL, "conditions" jsonb NOT NULL, "targets" jsonb NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "version" integer NOT NULL, CONSTRAINT "policies_name_key" UNIQUE ("name"), CONSTRAINT "policies_pkey" PRIMARY KEY ("id"))`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE "sla"."policies"`);
    await runner.query(`DROP INDEX "sla"."tickets_stale_idx"`);
    await runner.query(`DROP TABLE "sla"."tickets"`);
    await runner.query(`DROP TABLE "sla"."ticket_facts"`);
    await runner.query(`DROP INDEX "sla"."clocks_next_alert_idx"`);
    await runner.query(`DROP INDEX "sla"."clocks_stopped_idx"`);
    await runner.query(`DROP INDEX "sla"."clocks_policy_idx"`);
    await runner.query(`DROP TABLE "sla"."clocks"`);
    await runner.query(`DROP INDEX "sla"."clock_alerts_breaches_idx"`);
    await runner.query(`DROP TABLE "sla"."clock_alerts"`);
    await runner.query(`DROP TABLE "sla"."calendars"`);
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Notifications1795846154445 implements MigrationInterface {
  name = 'Notifications1795846154445';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE "notification"."contacts" ("sub" text NOT NULL, "email" text NOT NULL, "name" text, "groups" text array NOT NULL DEFAULT '{}', "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "contacts_pkey" PRIMARY KEY ("sub"))`);
    await runner.query(`CREATE TABLE "notification"."deliveries" ("id" uuid NOT NULL, "seq" BIGSERIAL NOT NULL, "subscription_id" uuid NOT NULL, "event_id" uuid NOT NULL, "event_type" text NOT NULL, "subject" text NOT NULL, "ordering_key" text NOT NULL, "channel" text NOT NULL, "recipient" text NOT NULL, "host" text NOT NULL, "message_id" text NOT NULL, "content" jsonb NOT NULL, "status" text NOT NULL, "attempts" integer NOT NULL DEFAULT '0', "next_attempt_at" TIMESTAMP WITH TIME ZONE, "lease_until" TIMESTAMP WITH TIME ZONE, "replay_requested" boolean NOT NULL DEFAULT false, "last_status_code" integer, "last_error" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "delivered_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "deliveries_subscription_event_recipient_key" UNIQUE ("subscription_id", "event_id", "recipient"), CONSTRAINT "deliveries_pkey" PRIMARY KEY ("id"))`);
    await runner.query(`CREATE INDEX "deliveries_created_idx" ON "notification"."deliveries" ("created_at")`);
    await runner.query(`CREATE INDEX "deliveries_event_idx" ON "notification"."deliveries" ("event_id")`);
    await runner.query(`CREATE INDEX "deliveries_order_idx" ON "notification"."deliveries" ("subscription_id", "ordering_key", "seq")`);
    await runner.query(`CREATE INDEX "deliveries_due_idx" ON "notification"."deliveries" ("next_attempt_at") WHERE status IN ('pending', 'retrying')`);
    await runner.query(`CREATE TABLE "notification"."delivery_attempts" ("delivery_id" uuid NOT NULL, "attempt" integer NOT NULL, "at" TIMESTAMP WITH TIME ZONE NOT NULL, "status_code" integer, "error" text, "latency_ms" integer NOT NULL, "replay" boolean NOT NULL DEFAULT false, CONSTRAINT "delivery_attempts_pkey" PRIMARY KEY ("delivery_id", "attempt"))`);
    await runner.query(`CREATE TABLE "notification"."subscriptions" ("id" uuid NOT NULL, "name" text NOT NULL, "description" text, "event_types" text array NOT NULL, "conditions" jsonb NOT NULL, "channel" text NOT NULL, "webhook" jsonb, "email" jsonb, "template" jsonb, "enabled" boolean NOT NULL, "owner" text NOT NULL, "consecutive_failures" integer NOT NULL DEFAULT '0', "disabled_reason" text, "secret" text, "previous_secret" text, "previous_secret_expires_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "version" integer NOT NULL, CONSTRAINT "subscriptions_pkey" PRIMARY KEY ("id"))`);
    await runner.query(`CREATE INDEX "subscriptions_enabled_idx" ON "notification"."subscriptions" ("id") WHERE enabled`);
    await runner.query(`ALTER TABLE "notification"."delivery_attempts" ADD CONSTRAINT "delivery_attempts_delivery_fkey" FOREIGN KEY ("delivery_id") REFERENCES "notification"."deliveries"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE "notification"."delivery_attempts" DROP CONSTRAINT "delivery_attempts_delivery_fkey"`);
    await runner.query(`DROP INDEX "notification"."subscriptions_enabled_idx"`);
    await runner.query(`DROP TABLE "notification"."subscriptions"`);
    await runner.query(`DROP TABLE "notification"."delivery_attempts"`);
    await runner.query(`DROP INDEX "notification"."deliveries_due_idx"`);
    await runner.query(`DROP INDEX "notification"."deliveries_order_idx"`);
    await runner.query(`DROP INDEX "notification"."deliveries_event_idx"`);
    await runner.query(`DROP INDEX "notification"."deliveries_created_idx"`);
    await runner.query(`DROP TABLE "notification"."deliveries"`);
    await runner.query(`DROP TABLE "notification"."contacts"`);
  }
}

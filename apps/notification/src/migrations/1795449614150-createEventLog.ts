import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateEventLog1795449614150 implements MigrationInterface {
  name = 'CreateEventLog1795449614150';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE "notification"."event_log" ("event_id" uuid NOT NULL, "type" text NOT NULL, "source" text NOT NULL, "subject" text NOT NULL, "correlation_id" text, "data" jsonb NOT NULL, "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL, "received_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "event_log_pkey" PRIMARY KEY ("event_id"))`);
    await runner.query(`CREATE INDEX "event_log_subject_idx" ON "notification"."event_log" ("subject", "occurred_at")`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX "notification"."event_log_subject_idx"`);
    await runner.query(`DROP TABLE "notification"."event_log"`);
  }
}

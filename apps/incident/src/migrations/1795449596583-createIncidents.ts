import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateIncidents1795449596583 implements MigrationInterface {
  name = 'CreateIncidents1795449596583';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE "incident"."incidents" ("id" uuid NOT NULL, "number" text NOT NULL, "title" text NOT NULL, "description" text, "impact" text NOT NULL, "urgency" text NOT NULL, "priority" smallint NOT NULL, "state" text NOT NULL, "requester_id" text NOT NULL, "requester_name" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "version" integer NOT NULL, CONSTRAINT "incidents_number_key" UNIQUE ("number"), CONSTRAINT "incidents_urgency_check" CHECK (urgency IN ('high', 'medium', 'low')), CONSTRAINT "incidents_impact_check" CHECK (impact IN ('high', 'medium', 'low')), CONSTRAINT "incidents_priority_check" CHECK (priority BETWEEN 1 AND 5), CONSTRAINT "incidents_pkey" PRIMARY KEY ("id"))`);
    // Human numbers INC0001001, INC0001002, …; a sequence never hands out a number twice, even across replicas.
    await runner.query(`CREATE SEQUENCE "incident"."incident_number_seq" START WITH 1001`);
    await runner.query(`CREATE INDEX "incidents_requester_idx" ON "incident"."incidents" ("requester_id", "created_at")`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX "incident"."incidents_requester_idx"`);
    await runner.query(`DROP TABLE "incident"."incidents"`);
    await runner.query(`DROP SEQUENCE "incident"."incident_number_seq"`);
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateRequests1795900000000 implements MigrationInterface {
  name = 'CreateRequests1795900000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE "incident"."catalog_items" ("id" uuid NOT NULL, "name" text NOT NULL, "description" text, "category" text NOT NULL, "form_schema" jsonb NOT NULL, "approval" jsonb NOT NULL, "fulfillment_group" text NOT NULL, "expected_delivery_hours" integer NOT NULL, "status" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "version" integer NOT NULL, CONSTRAINT "catalog_items_delivery_check" CHECK (expected_delivery_hours > 0), CONSTRAINT "catalog_items_status_check" CHECK (status IN ('active', 'retired')), CONSTRAINT "catalog_items_pkey" PRIMARY KEY ("id"))`);
    await runner.query(`CREATE INDEX "catalog_items_status_name_idx" ON "incident"."catalog_items" ("status", "name", "id")`);
    await runner.query(`CREATE TABLE "incident"."requests" ("id" uuid NOT NULL, "number" text NOT NULL, "item_id" uuid NOT NULL, "item_name" text NOT NULL, "item_version" integer NOT NULL, "requester_id" text NOT NULL, "requester_name" text, "manager_id" text, "answers" jsonb NOT NULL, "approval" jsonb NOT NULL, "state" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "version" integer NOT NULL, CONSTRAINT "requests_number_key" UNIQUE ("number"), CONSTRAINT "requests_state_check" CHECK (state IN ('submitted', 'awaiting_approval', 'approved', 'rejected', 'in_fulfillment', 'fulfilled', 'closed', 'canceled')), CONSTRAINT "requests_pkey" PRIMARY KEY ("id"))`);
    // Human numbers REQ0001001, REQ0001002, …, as incidents have theirs.
    await runner.query(`CREATE SEQUENCE "incident"."request_number_seq" START WITH 1001`);
    await runner.query(`CREATE INDEX "requests_state_idx" ON "incident"."requests" ("state", "created_at")`);
    await runner.query(`CREATE INDEX "requests_item_idx" ON "incident"."requests" ("item_id", "created_at")`);
    await runner.query(`CREATE INDEX "requests_requester_idx" ON "incident"."requests" ("requester_id", "created_at")`);
    await runner.query(`CREATE INDEX "requests_created_idx" ON "incident"."requests" ("created_at", "id")`);
    await runner.query(`CREATE TABLE "incident"."request_tasks" ("id" uuid NOT NULL, "request_id" uuid NOT NULL, "title" text NOT NULL, "assignment_group" text NOT NULL, "state" text NOT NULL, "created_by" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "completed_by" text, "completed_at" TIMESTAMP WITH TIME ZONE, "version" integer NOT NULL, CONSTRAINT "request_tasks_state_check" CHECK (state IN ('open', 'completed')), CONSTRAINT "request_tasks_pkey" PRIMARY KEY ("id"))`);
    await runner.query(`CREATE INDEX "request_tasks_group_idx" ON "incident"."request_tasks" ("assignment_group", "state")`);
    await runner.query(`CREATE INDEX "request_tasks_request_idx" ON "incident"."request_tasks" ("request_id", "created_at")`);
    await runner.query(`CREATE TABLE "incident"."request_approvals" ("id" uuid NOT NULL, "request_id" uuid NOT NULL, "position" smallint NOT NULL, "approver_id" text, "approver_group" text, "decision" text NOT NULL, "decided_by" text, "decided_at" TIMESTAMP WITH TIME ZONE, "comment" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "version" integer NOT NULL, CONSTRAINT "request_approvals_who_check" CHECK ((approver_id IS NULL) <> (approver_group IS NULL)), CONSTRAINT "request_approvals_decision_check" CHECK (decision IN ('pending', 'approved', 'rejected', 'no_longer_required')), CONSTRAINT "request_approvals_pkey" PRIMARY KEY ("id"))`);
    await runner.query(`CREATE INDEX "request_approvals_approver_idx" ON "incident"."request_approvals" ("approver_id")`);
    await runner.query(`CREATE INDEX "request_approvals_request_idx" ON "incident"."request_approvals" ("request_id", "position")`);
    await runner.query(`CREATE TABLE "incident"."request_comments" ("id" uuid NOT NULL, "request_id" uuid NOT NULL, "author_id" text NOT NULL, "author_name" text, "body" text NOT NULL, "visibility" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "version" integer NOT NULL, CONSTRAINT "request_comments_visibility_check" CHECK (visibility IN ('public', 'internal')), CONSTRAINT "request_comments_pkey" PRIMARY KEY ("id"))`);
    await runner.query(`CREATE INDEX "request_comments_request_idx" ON "incident"."request_comments" ("request_id", "created_at", "id")`);
    await runner.query(`ALTER TABLE "incident"."requests" ADD CONSTRAINT "requests_item_id_fkey" FOREIGN KEY ("item_id") REFERENCES "incident"."catalog_items"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await runner.query(`ALTER TABLE "incident"."request_tasks" ADD CONSTRAINT "request_tasks_request_id_fkey" FOREIGN KEY ("request_id") REFERENCES "incident"."requests"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await runner.query(`ALTER TABLE "incident"."request_approvals" ADD CONSTRAINT "request_approvals_request_id_fkey" FOREIGN KEY ("request_id") REFERENCES "incident"."requests"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await runner.query(`ALTER TABLE "incident"."request_comments" ADD CONSTRAINT "request_comments_request_id_fkey" FOREIGN KEY ("request_id") REFERENCES "incident"."requests"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE "incident"."request_comments" DROP CONSTRAINT "request_comments_request_id_fkey"`);
    await runner.query(`ALTER TABLE "incident"."request_approvals" DROP CONSTRAINT "request_approvals_request_id_fkey"`);
    await runner.query(`ALTER TABLE "incident"."request_tasks" DROP CONSTRAINT "request_tasks_request_id_fkey"`);
    await runner.query(`ALTER TABLE "incident"."requests" DROP CONSTRAINT "requests_item_id_fkey"`);
    await runner.query(`DROP INDEX "incident"."request_comments_request_idx"`);
    await runner.query(`DROP TABLE "incident"."request_comments"`);
    await runner.query(`DROP INDEX "incident"."request_approvals_request_idx"`);
    await runner.query(`DROP INDEX "incident"."request_approvals_approver_idx"`);
    await runner.query(`DROP TABLE "incident"."request_approvals"`);
    await runner.query(`DROP INDEX "incident"."request_tasks_request_idx"`);
    await runner.query(`DROP INDEX "incident"."request_tasks_group_idx"`);
    await runner.query(`DROP TABLE "incident"."request_tasks"`);
    await runner.query(`DROP INDEX "incident"."requests_created_idx"`);
    await runner.query(`DROP INDEX "incident"."requests_requester_idx"`);
    await runner.query(`DROP INDEX "incident"."requests_item_idx"`);
    await runner.query(`DROP INDEX "incident"."requests_state_idx"`);
    await runner.query(`DROP TABLE "incident"."requests"`);
    await runner.query(`DROP SEQUENCE "incident"."request_number_seq"`);
    await runner.query(`DROP INDEX "incident"."catalog_items_status_name_idx"`);
    await runner.query(`DROP TABLE "incident"."catalog_items"`);
  }
}

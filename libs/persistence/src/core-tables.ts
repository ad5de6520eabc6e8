import type { MigrationInterface, QueryRunner } from 'typeorm';
import { quoteIdent } from './migrate';

/** The LISTEN/NOTIFY channel on which a schema's outbox announces committed events. */
export function outboxChannel(schema: string): string {
  return `itsm_outbox_${schema}`;
}

/**
 * DDL of the outbox, inbox and audit tables in a service's schema. Every service's first migration calls
 * this, so the tables are the same everywhere; the drift test proves they match the shared entities.
 */
export async function createCoreTables(runner: QueryRunner, schema: string): Promise<void> {
  const s = quoteIdent(schema);
  await runner.query(
    `CREATE TABLE ${s}."outbox" ("id" BIGSERIAL NOT NULL, "event_id" uuid NOT NULL, "subject" text NOT NULL, "envelope" jsonb NOT NULL, "headers" jsonb NOT NULL DEFAULT '{}', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "sent_at" TIMESTAMP WITH TIME ZONE, "attempts" integer NOT NULL DEFAULT '0', "last_error" text, CONSTRAINT "outbox_event_id_key" UNIQUE ("event_id"), CONSTRAINT "outbox_pkey" PRIMARY KEY ("id"))`,
  );
  await runner.query(`CREATE INDEX "outbox_unsent_idx" ON ${s}."outbox" ("id") WHERE sent_at IS NULL`);
  // Wakes the outbox relays (LISTEN itsm_outbox_<schema>) when, and only if, a transaction that wrote events
  // commits; a trigger saves every writer a round trip and cannot be forgotten.
  await runner.query(
    `CREATE FUNCTION ${s}."outbox_notify"() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_notify('${outboxChannel(schema)}', ''); RETURN NULL; END $$`,
  );
  await runner.query(`CREATE TRIGGER "outbox_notify" AFTER INSERT ON ${s}."outbox" FOR EACH STATEMENT EXECUTE FUNCTION ${s}."outbox_notify"()`);
  await runner.query(
    `CREATE TABLE ${s}."inbox" ("consumer" text NOT NULL, "event_id" uuid NOT NULL, "subject" text NOT NULL, "processed_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "inbox_pkey" PRIMARY KEY ("consumer", "event_id"))`,
  );
  await runner.query(
    `CREATE TABLE ${s}."audit_log" ("id" BIGSERIAL NOT NULL, "entity_type" text NOT NULL, "entity_id" uuid NOT NULL, "action" text NOT NULL, "actor_id" text, "at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "before" jsonb, "after" jsonb, "correlation_id" text, CONSTRAINT "audit_log_pkey" PRIMARY KEY ("id"))`,
  );
  await runner.query(`CREATE INDEX "audit_log_entity_idx" ON ${s}."audit_log" ("entity_type", "entity_id")`);
}

export async function dropCoreTables(runner: QueryRunner, schema: string): Promise<void> {
  const s = quoteIdent(schema);
  await runner.query(`DROP TABLE ${s}."audit_log"`);
  await runner.query(`DROP TABLE ${s}."inbox"`);
  await runner.query(`DROP TABLE ${s}."outbox"`);
  await runner.query(`DROP FUNCTION ${s}."outbox_notify"()`);
}

/**
 * The first migration of every service: its schema's outbox, inbox and audit tables. One definition for all
 * services (each keeps its own migrations table, so the shared name does not collide).
 */
export function coreTablesMigration(schema: string): new () => MigrationInterface {
  return class CoreTables1763900000000 implements MigrationInterface {
    name = 'CoreTables1763900000000';
    async up(runner: QueryRunner): Promise<void> {
      await createCoreTables(runner, schema);
    }
    async down(runner: QueryRunner): Promise<void> {
      await dropCoreTables(runner, schema);
    }
  };
}

/**
 * Indexes of the audit trail's reads (newest first by `(at, id)`, optionally for one actor or one record), added
 * to every service after its existing migrations. One definition for all services, like {@link coreTablesMigration}.
 */
export function auditIndexesMigration(schema: string): new () => MigrationInterface {
  return class AuditIndexes1796900000000 implements MigrationInterface {
    name = 'AuditIndexes1796900000000';
    async up(runner: QueryRunner): Promise<void> {
      const s = quoteIdent(schema);
      await runner.query(`CREATE INDEX "audit_log_at_idx" ON ${s}."audit_log" ("at" DESC, "id" DESC)`);
      await runner.query(`CREATE INDEX "audit_log_actor_at_idx" ON ${s}."audit_log" ("actor_id", "at" DESC, "id" DESC)`);
      await runner.query(`CREATE INDEX "audit_log_entity_at_idx" ON ${s}."audit_log" ("entity_id", "at" DESC, "id" DESC)`);
    }
    async down(runner: QueryRunner): Promise<void> {
      const s = quoteIdent(schema);
      await runner.query(`DROP INDEX ${s}."audit_log_entity_at_idx"`);
      await runner.query(`DROP INDEX ${s}."audit_log_actor_at_idx"`);
      await runner.query(`DROP INDEX ${s}."audit_log_at_idx"`);
    }
  };
}

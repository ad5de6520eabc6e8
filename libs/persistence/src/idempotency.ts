import { createHash } from 'node:crypto';
import type { EntityManager, MigrationInterface, QueryRunner } from 'typeorm';
import { CommonError, CommonErrorCode } from '@itsm/contracts';
import { IdempotencyKey } from './entities';
import { quoteIdent } from './migrate';

export interface IdempotencyClaim {
  /** The operation, e.g. `incident.create`. */
  scope: string;
  actorId: string;
  key: string;
  /** The request as the client sent it (without the key); a retry must send the same. */
  request: unknown;
  /** Id of the record this request is about to create. */
  resourceId: string;
}

/** JSON with object keys sorted, so that two equal requests hash equally whatever their key order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function requestHash(request: unknown): string {
  return createHash('sha256').update(canonicalJson(request)).digest('hex');
}

/**
 * Claims an `Idempotency-Key` inside the transaction that creates the record. Returns undefined when this is
 * the first request with the key (the key now points at `resourceId` and commits or rolls back with it), or
 * the id of the record an earlier request with the same key created: the caller returns that record and
 * writes nothing. A concurrent request with the same key waits on the key's row until the first commits.
 * The same key with a different request is refused (422), as the IETF Idempotency-Key draft asks.
 */
export async function claimIdempotencyKey(manager: EntityManager, claim: IdempotencyClaim): Promise<string | undefined> {
  const table = manager.connection.getMetadata(IdempotencyKey).tablePath;
  const hash = requestHash(claim.request);
  const inserted = (await manager.query(
    `INSERT INTO ${table} (scope, actor_id, key, request_hash, resource_id) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING resource_id`,
    [claim.scope, claim.actorId, claim.key, hash, claim.resourceId],
  )) as unknown[];
  if (inserted.length > 0) return undefined;
  const [earlier] = (await manager.query(`SELECT request_hash, resource_id FROM ${table} WHERE scope = $1 AND actor_id = $2 AND key = $3`, [
    claim.scope,
    claim.actorId,
    claim.key,
  ])) as Array<{ request_hash: string; resource_id: string }>;
  if (!earlier) throw new Error(`idempotency key ${claim.key} neither inserted nor found`);
  if (earlier.request_hash !== hash) {
    throw new CommonError(CommonErrorCode.IdempotencyKeyReused, 'this Idempotency-Key was already used with a different request', {
      errors: [{ field: 'Idempotency-Key', message: 'was already used with a different request body' }],
    });
  }
  return earlier.resource_id;
}

/** Adds the `idempotency_keys` table to a service's schema (for services that take `Idempotency-Key`). */
export function idempotencyKeysMigration(schema: string): new () => MigrationInterface {
  const s = quoteIdent(schema);
  return class IdempotencyKeys1795500000000 implements MigrationInterface {
    name = 'IdempotencyKeys1795500000000';
    async up(runner: QueryRunner): Promise<void> {
      await runner.query(
        `CREATE TABLE ${s}."idempotency_keys" ("scope" text NOT NULL, "actor_id" text NOT NULL, "key" text NOT NULL, "request_hash" text NOT NULL, "resource_id" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "idempotency_keys_pkey" PRIMARY KEY ("scope", "actor_id", "key"))`,
      );
      await runner.query(`CREATE INDEX "idempotency_keys_created_idx" ON ${s}."idempotency_keys" ("created_at")`);
    }
    async down(runner: QueryRunner): Promise<void> {
      await runner.query(`DROP TABLE ${s}."idempotency_keys"`);
    }
  };
}

import type { EntityManager } from 'typeorm';
import { AuditEntry } from './entities';

export interface AuditRecord {
  entityType: string;
  entityId: string;
  action: string;
  actorId: string | null;
  before: object | null;
  after: object | null;
  correlationId?: string | null;
}

/** Writes one audit row with the manager of the surrounding transaction. */
export async function recordAudit(manager: EntityManager, record: AuditRecord): Promise<void> {
  await manager.insert(AuditEntry, {
    entityType: record.entityType,
    entityId: record.entityId,
    action: record.action,
    actorId: record.actorId,
    before: record.before,
    after: record.after,
    correlationId: record.correlationId ?? null,
  });
}

import type { EntityManager } from 'typeorm';
import { AuditEntry, type AuditRecord } from '@itsm/persistence';
import { WorkContexts } from '@itsm/observability';

/** An audit row for a change that announces no event (events carry theirs through `OutboxWriter.publish`). */
export async function writeAudit(manager: EntityManager, record: Omit<AuditRecord, 'correlationId'>): Promise<void> {
  await manager.insert(AuditEntry, { ...record, correlationId: WorkContexts.current()?.correlationId ?? null });
}

import { AuditEntry } from './audit-entry.entity';
import { InboxMessage } from './inbox-message.entity';
import { OutboxMessage } from './outbox-message.entity';
import { IdempotencyKey } from './idempotency-key.entity';

export { AuditEntry, IdempotencyKey, InboxMessage, OutboxMessage };

/** Tables every service has in its own schema, beside its domain tables. */
export const CORE_ENTITIES = [OutboxMessage, InboxMessage, AuditEntry];

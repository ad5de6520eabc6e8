/**
 * One audit row: who changed what, when, from what to what. Written in the transaction of the change itself,
 * together with the event that announces it (`OutboxWriter.publish(…, { audit })`).
 */
export interface AuditRecord {
  entityType: string;
  entityId: string;
  action: string;
  actorId: string | null;
  before: object | null;
  after: object | null;
  correlationId?: string | null;
}

import { type AuditedService, type AuditEntryView, CommonErrorCode } from '@itsm/contracts';
import { compareAuditEntries, decodeAuditTrailCursor, encodeAuditTrailCursor, mergeAuditPages, servicesToAsk } from './audit-trail';

function entry(service: AuditedService, id: string, at: string): AuditEntryView {
  return { service, id, at, entityType: 'x', entityId: '3f0c2a9e-6b1d-4c55-9a57-2f1d7f0b8e21', action: 'updated', actorId: 'sam', correlationId: null, changes: [], before: null, after: null };
}

describe('the audit trail across services', () => {
  it('orders newest first, then by service name, then by entry number as a number', () => {
    const entries = [
      entry('incident', '9', '2026-11-01T09:00:00.000001Z'),
      entry('change', '10', '2026-11-01T09:00:00.000001Z'),
      entry('incident', '10', '2026-11-01T09:00:00.000001Z'),
      entry('sla', '1', '2026-11-01T09:00:00.000002Z'),
      entry('cmdb', '99999999999999999999', '2026-11-01T08:00:00.000000Z'),
      entry('cmdb', '100000000000000000000', '2026-11-01T08:00:00.000000Z'),
    ];
    expect([...entries].sort(compareAuditEntries).map((e) => `${e.service}:${e.id}`)).toEqual(['sla:1', 'change:10', 'incident:10', 'incident:9', 'cmdb:100000000000000000000', 'cmdb:99999999999999999999']);
  });

  it('keeps the place of each service after the last entry taken from it, and ends a service read to its end', () => {
    const incident = { items: [entry('incident', '5', '2026-11-01T10:00:00.000000Z'), entry('incident', '4', '2026-11-01T08:00:00.000000Z')], nextCursor: 'more' };
    const change = { items: [entry('change', '2', '2026-11-01T09:00:00.000000Z')], nextCursor: null };
    const sla = { items: [], nextCursor: null };
    const merged = mergeAuditPages(2, {}, [
      { service: 'incident', page: incident },
      { service: 'change', page: change },
      { service: 'sla', page: sla },
    ]);
    expect(merged.items.map((e) => `${e.service}:${e.id}`)).toEqual(['incident:5', 'change:2']);
    expect(merged.positions).toEqual({ incident: { at: '2026-11-01T10:00:00.000000Z', id: '5' }, change: null, sla: null });
    expect(servicesToAsk(merged.positions)).toEqual(['cmdb', 'incident', 'knowledge', 'notification', 'problem']);
  });

  it('round-trips its cursor, and has none once every service is read to its end', () => {
    const positions = { incident: { at: '2026-11-01T10:00:00.000000Z', id: '5' }, change: null };
    const cursor = encodeAuditTrailCursor(positions);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeAuditTrailCursor(cursor ?? '')).toEqual(positions);
    expect(encodeAuditTrailCursor({ change: null, cmdb: null, incident: null, knowledge: null, notification: null, problem: null, sla: null })).toBeNull();
  });

  it.each([
    ['not base64 JSON', 'not a cursor'],
    ['an array', Buffer.from('["2026-11-01T10:00:00Z","5"]').toString('base64url')],
    ['an unknown service', Buffer.from('{"billing":null}').toString('base64url')],
    ['an entry number that is not one', Buffer.from('{"incident":["2026-11-01T10:00:00Z","5 OR 1=1"]}').toString('base64url')],
    ['a time without its offset', Buffer.from('{"incident":["2026-11-01T10:00:00","5"]}').toString('base64url')],
    ['every service at its end', Buffer.from('{"change":null,"cmdb":null,"incident":null,"knowledge":null,"notification":null,"problem":null,"sla":null}').toString('base64url')],
  ])('refuses a cursor that is %s, naming the field', (_what, cursor) => {
    expect(() => decodeAuditTrailCursor(cursor)).toThrow(expect.objectContaining({ reason: CommonErrorCode.InvalidCursor, details: { errors: [{ field: 'cursor', message: expect.any(String) }] } }));
  });
});

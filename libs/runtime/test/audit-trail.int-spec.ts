/**
 * The audit list every service serves from its service definition alone (`itsm.rpc.<service>.audit_list`), on a
 * real database and broker: a service with no feature modules of its own, whose trail the tests write directly.
 */
import { randomUUID } from 'node:crypto';
import { ada, bareService, fieldsOf, ServiceHarness, type ServiceHarnessOptions } from '@itsm/testing';
import { type Actor, AuditRpc, type AuditEntryView, type AuditPage, type AuditQuery, CommonErrorCode, ErrorCode, Role } from '@itsm/contracts';
import { writeAudit } from '@itsm/messaging';
import { contextFromHeaders, WorkContexts } from '@itsm/observability';

const bareSla = bareService('sla');

class BareServiceHarness extends ServiceHarness {
  static start(options: ServiceHarnessOptions = {}): Promise<BareServiceHarness> {
    return new BareServiceHarness(bareSla).boot({}, options);
  }
}

const auditor: Actor = { sub: 'audra', name: 'Audra Auditor', roles: [Role.Auditor] };
const agent: Actor = { sub: 'sam', roles: [Role.Agent] };
const requester: Actor = { sub: 'alice', roles: [Role.Requester] };

interface Seed {
  at: string;
  type?: string;
  entityId?: string;
  action?: string;
  actor?: string | null;
  before?: object | null;
  after?: object | null;
}

describe('the audit list every service serves', () => {
  let h: BareServiceHarness;
  const policy = randomUUID();
  const calendar = randomUUID();
  /** Seeded entries, in the order the list must give them (newest first). */
  let newestFirst: Array<{ id: string; at: string }>;

  async function seed(rows: readonly Seed[]): Promise<void> {
    for (const row of rows) {
      await h.database.query(
        `INSERT INTO sla.audit_log (entity_type, entity_id, action, actor_id, at, before, after, correlation_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [row.type ?? 'policy', row.entityId ?? policy, row.action ?? 'updated', row.actor === undefined ? 'sam' : row.actor, row.at, row.before === undefined ? null : JSON.stringify(row.before), row.after === undefined ? null : JSON.stringify(row.after), `corr-${row.at}`],
      );
    }
  }

  function list(query: AuditQuery, actor: Actor = auditor): Promise<AuditPage> {
    return h.rpc.call(AuditRpc.sla, query, { actor });
  }

  /** Every entry a query finds, following `nextCursor` page by page. */
  async function everything(query: AuditQuery): Promise<{ items: AuditEntryView[]; pages: number }> {
    const items: AuditEntryView[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await list({ ...query, ...(cursor ? { cursor } : {}) });
      items.push(...page.items);
      pages += 1;
      cursor = page.nextCursor ?? undefined;
    } while (cursor && pages < 50);
    return { items, pages };
  }

  beforeAll(async () => {
    h = await BareServiceHarness.start();
    await seed([
      { at: '2026-11-01T08:00:00.000000Z', action: 'created', before: null, after: { name: 'Gold', targetHours: 8, version: 1 } },
      { at: '2026-11-01T09:00:00.000100Z', before: { name: 'Gold', targetHours: 8, version: 1 }, after: { name: 'Gold', targetHours: 4, version: 2 } },
      // Three entries within one millisecond, two of them in the same microsecond: a cursor cut to the millisecond would lose some.
      { at: '2026-11-01T09:00:00.000900Z', type: 'calendar', entityId: calendar, actor: 'maria', action: 'created', after: { name: 'Office hours' } },
      { at: '2026-11-01T09:00:00.000500Z', type: 'calendar', entityId: calendar, actor: 'maria', before: { name: 'Office hours' }, after: { name: 'Office hours (EU)' } },
      { at: '2026-11-01T09:00:00.000500Z', actor: 'api-key:7d3a4e5f', before: { name: 'Gold', targetHours: 4 }, after: { name: 'Gold', targetHours: 2 } },
      { at: '2026-11-02T10:00:00.000000Z', actor: null, action: 'deleted', before: { name: 'Gold', targetHours: 2 }, after: null },
      { at: '2026-11-03T00:00:00.000000Z', type: 'calendar', entityId: calendar, actor: 'system', before: { holidays: [] }, after: { holidays: ['2026-12-25'] } },
    ]);
    newestFirst = await h.database.query(`SELECT id::text AS id, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at FROM sla.audit_log ORDER BY at DESC, id DESC`);
  }, 60_000);

  afterAll(async () => {
    await h?.stop();
  });

  it('gives every entry newest first, with its service, time to the microsecond, actor, correlation id and field changes', async () => {
    const page = await list({});
    expect(page.nextCursor).toBeNull();
    expect(page.items.map(({ id, at }) => ({ id, at }))).toEqual(newestFirst);
    const update = page.items.find((item) => item.at === '2026-11-01T09:00:00.000100Z');
    expect(update).toEqual({
      service: 'sla',
      id: expect.stringMatching(/^\d+$/),
      at: '2026-11-01T09:00:00.000100Z',
      entityType: 'policy',
      entityId: policy,
      action: 'updated',
      actorId: 'sam',
      correlationId: 'corr-2026-11-01T09:00:00.000100Z',
      // `version` is bookkeeping and is left out of the changes.
      changes: [{ field: 'targetHours', from: 8, to: 4 }],
      before: { name: 'Gold', targetHours: 8, version: 1 },
      after: { name: 'Gold', targetHours: 4, version: 2 },
    });
    const deletion = page.items.find((item) => item.action === 'deleted');
    expect(deletion).toMatchObject({ actorId: null, after: null, changes: [{ field: 'name', from: 'Gold', to: null }, { field: 'targetHours', from: 2, to: null }] });
    const creation = page.items.find((item) => item.action === 'created' && item.entityType === 'policy');
    expect(creation?.changes).toEqual([{ field: 'name', from: null, to: 'Gold' }, { field: 'targetHours', from: null, to: 8 }]);
  });

  it('pages through the trail by its cursor without a gap or an overlap, entries of one microsecond included', async () => {
    for (const limit of [1, 2, 3]) {
      const { items, pages } = await everything({ limit });
      expect(items.map(({ id, at }) => ({ id, at }))).toEqual(newestFirst);
      expect(pages).toBe(Math.ceil(newestFirst.length / limit));
    }
  });

  it('filters by record, actor, type and period, every filter given holding at once', async () => {
    const ids = async (query: AuditQuery): Promise<string[]> => (await everything({ ...query, limit: 2 })).items.map((item) => item.at);
    await expect(ids({ record: calendar })).resolves.toEqual(['2026-11-03T00:00:00.000000Z', '2026-11-01T09:00:00.000900Z', '2026-11-01T09:00:00.000500Z']);
    await expect(ids({ actor: 'api-key:7d3a4e5f' })).resolves.toEqual(['2026-11-01T09:00:00.000500Z']);
    await expect(ids({ actor: 'Sam' })).resolves.toEqual([]);
    await expect(ids({ type: 'policy', actor: 'sam' })).resolves.toEqual(['2026-11-01T09:00:00.000100Z', '2026-11-01T08:00:00.000000Z']);
    // `from` inclusive, `to` exclusive, in any offset.
    await expect(ids({ from: '2026-11-01T09:00:00.0005Z', to: '2026-11-02T11:00:00+01:00' })).resolves.toEqual(['2026-11-01T09:00:00.000900Z', '2026-11-01T09:00:00.000500Z', '2026-11-01T09:00:00.000500Z']);
    await expect(ids({ record: policy, from: '2026-11-02T00:00:00Z' })).resolves.toEqual(['2026-11-02T10:00:00.000000Z']);
    await expect(ids({ record: randomUUID() })).resolves.toEqual([]);
  });

  it('lists a change written in its transaction, with the correlation id of the work it was part of', async () => {
    const contact = randomUUID();
    await WorkContexts.run(contextFromHeaders({ correlationId: 'req-audit-1' }), () =>
      h.transaction((manager) => writeAudit(manager, { entityType: 'contact', entityId: contact, action: 'updated', actorId: 'ada', before: { email: 'a@example.com' }, after: { email: 'b@example.com' } })),
    );
    const page = await list({ record: contact });
    expect(page.items).toEqual([
      expect.objectContaining({ service: 'sla', entityType: 'contact', actorId: 'ada', correlationId: 'req-audit-1', changes: [{ field: 'email', from: 'a@example.com', to: 'b@example.com' }] }),
    ]);
    expect(page.items[0]?.at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/);
  });

  it('answers admins and auditors, and refuses agents and requesters', async () => {
    await expect(list({ limit: 1 }, ada)).resolves.toMatchObject({ items: [expect.anything()] });
    for (const caller of [agent, requester]) {
      await expect(list({ limit: 1 }, caller)).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN, reason: CommonErrorCode.RoleRequired });
    }
  });

  it('refuses a query that is not valid, naming the field', async () => {
    const refused = async (query: Record<string, unknown>): Promise<{ code: unknown; fields: string[] }> => {
      const error: unknown = await list(query as AuditQuery).then(
        () => undefined,
        (failure: unknown) => failure,
      );
      return { code: (error as { code?: unknown } | undefined)?.code, fields: fieldsOf(error) };
    };
    await expect(refused({ record: 'INC0001' })).resolves.toEqual({ code: ErrorCode.VALIDATION, fields: ['record'] });
    await expect(refused({ from: '2026-02-30T00:00:00Z' })).resolves.toEqual({ code: ErrorCode.VALIDATION, fields: ['from'] });
    await expect(refused({ to: 'yesterday' })).resolves.toEqual({ code: ErrorCode.VALIDATION, fields: ['to'] });
    await expect(refused({ from: '2026-11-02T00:00:00Z', to: '2026-11-01T00:00:00Z' })).resolves.toEqual({ code: ErrorCode.VALIDATION, fields: ['to'] });
    await expect(refused({ limit: 0 })).resolves.toEqual({ code: ErrorCode.VALIDATION, fields: ['limit'] });
    await expect(refused({ limit: 201 })).resolves.toEqual({ code: ErrorCode.VALIDATION, fields: ['limit'] });
    await expect(refused({ type: 'Policy; DROP' })).resolves.toEqual({ code: ErrorCode.VALIDATION, fields: ['type'] });
    await expect(refused({ actor: '' })).resolves.toEqual({ code: ErrorCode.VALIDATION, fields: ['actor'] });
  });

  it('refuses a cursor that was altered or belongs to another list with INVALID_CURSOR', async () => {
    const first = await list({ limit: 2 });
    const cursor = first.nextCursor ?? '';
    const altered = Buffer.from(JSON.stringify(['2026-11-01T09:00:00Z', '1 OR 1=1']), 'utf8').toString('base64url');
    const timeCursor = Buffer.from(JSON.stringify(['2026-11-01T09:00:00.000Z', randomUUID()]), 'utf8').toString('base64url');
    for (const bad of [`${cursor}x`, cursor.slice(0, -3), altered, timeCursor, 'not a cursor']) {
      await expect(list({ cursor: bad })).rejects.toMatchObject({ code: ErrorCode.VALIDATION, reason: CommonErrorCode.InvalidCursor, details: { errors: [{ field: 'cursor' }] } });
    }
  });
});

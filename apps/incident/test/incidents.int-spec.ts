import { randomUUID } from 'node:crypto';
import { headers as natsHeaders, type NatsConnection } from 'nats';
import { type Actor, type CreatedIncidentView, ErrorCode, Impact, IncidentEvents, IncidentRpc, type IncidentView, MessageHeaders, Role, Urgency } from '@itsm/contracts';
import { RpcClient } from '@itsm/messaging';
import type { RunningService } from '@itsm/runtime';
import { WorkContexts } from '@itsm/observability';
import { buildCreateIncident, createTestDatabase, readEvents, resetStreams, serviceTestEnv, startTestService, type TestDatabase, waitFor, connectTestNats } from '@itsm/testing';
import { incidentApp } from '../src/service-definition';

const alice: Actor = { sub: 'alice', name: 'Alice Smith', roles: [Role.Requester] };
const bob: Actor = { sub: 'bob', roles: [Role.Requester] };
const agent: Actor = { sub: 'sam', roles: [Role.Agent] };
/** The incident without the reply-only duplicate hints. */
const viewOf = ({ possibleDuplicates: _hints, ...view }: CreatedIncidentView): IncidentView => view;

describe('incident service over RPC', () => {
  let database: TestDatabase;
  let nc: NatsConnection;
  let service: RunningService;
  let rpc: RpcClient;

  beforeAll(async () => {
    database = await createTestDatabase();
    nc = await connectTestNats('incident-test');
    await resetStreams(nc);
    service = await startTestService(incidentApp, serviceTestEnv(database));
    rpc = new RpcClient(nc, 5_000);
  });

  afterAll(async () => {
    await service.shutdown();
    await nc.drain();
    await database.drop();
  });

  it('opens an incident with a human number and the priority of the impact × urgency matrix', async () => {
    const created = await rpc.call(IncidentRpc.create, buildCreateIncident({ impact: Impact.High, urgency: Urgency.High }), { actor: alice });
    expect(created).toMatchObject({ state: 'new', priority: 'P1', callerId: 'alice', callerName: 'Alice Smith', openedById: 'alice', version: 1 });
    expect(created.number).toMatch(/^INC\d{7}$/);
    const [row] = await database.query<{ number: string; priority: string }>(`SELECT number, priority FROM incident.incidents WHERE id = $1`, [created.id]);
    expect(row).toEqual({ number: created.number, priority: 'P1' });
  });

  it('hands out consecutive numbers starting at INC0001001', async () => {
    const first = await rpc.call(IncidentRpc.create, buildCreateIncident(), { actor: alice });
    const second = await rpc.call(IncidentRpc.create, buildCreateIncident(), { actor: alice });
    expect(Number(second.number.slice(3)) - Number(first.number.slice(3))).toBe(1);
    const [{ min } = { min: '' }] = await database.query<{ min: string }>(`SELECT min(number) AS min FROM incident.incidents`);
    expect(min).toBe('INC0001001');
  });

  it('writes an audit row with who and what in the same transaction', async () => {
    const created = await rpc.call(IncidentRpc.create, buildCreateIncident(), { actor: alice });
    const audit = await database.query<{ action: string; actor_id: string; after: IncidentView; before: unknown }>(
      `SELECT action, actor_id, after, before FROM incident.audit_log WHERE entity_id = $1`,
      [created.id],
    );
    expect(audit).toEqual([{ action: 'created', actor_id: 'alice', before: null, after: viewOf(created) }]);
  });

  it('publishes incident.created.v1 carrying the caller’s correlation id', async () => {
    const correlationId = `corr-${randomUUID()}`;
    const created = await WorkContexts.run({ correlationId, traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' }, () =>
      rpc.call(IncidentRpc.create, buildCreateIncident(), { actor: alice }),
    );
    const events = await waitFor(async () => {
      const found = (await readEvents(nc, IncidentEvents.created.subject)).filter((m) => m.body.subject === created.id);
      return found.length > 0 ? found : undefined;
    });
    expect(events).toHaveLength(1);
    expect(events[0]?.body).toMatchObject({ type: 'itsm.incident.created.v1', source: 'itsm/incident', correlationid: correlationId, data: viewOf(created) });
    expect(events[0]?.body.traceparent).toMatch(/^00-0af7651916cd43dd8448eb211c80319c-/);
    expect(events[0]?.headers['Nats-Msg-Id']).toBe(events[0]?.body.id);
  });

  it('lets the requester and agents read it, and hides it from other requesters', async () => {
    const created = await rpc.call(IncidentRpc.create, buildCreateIncident(), { actor: alice });
    await expect(rpc.call(IncidentRpc.get, { id: created.id }, { actor: alice })).resolves.toEqual(viewOf(created));
    await expect(rpc.call(IncidentRpc.get, { id: created.id }, { actor: agent })).resolves.toEqual(viewOf(created));
    await expect(rpc.call(IncidentRpc.get, { id: created.id }, { actor: bob })).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND });
  });

  it('answers NOT_FOUND for an unknown id', async () => {
    await expect(rpc.call(IncidentRpc.get, { id: randomUUID() }, { actor: agent })).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND });
  });

  it('rejects an invalid request naming each field, and writes nothing', async () => {
    const [{ n: before } = { n: -1 }] = await database.query<{ n: number }>(`SELECT count(*)::int AS n FROM incident.outbox`);
    const bad = { title: 'x', impact: 4, urgency: Urgency.Low, colour: 'red' } as never;
    const error = await rpc.call(IncidentRpc.create, bad, { actor: alice }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: ErrorCode.VALIDATION });
    const fields = ((error as { details: { errors: Array<{ field: string }> } }).details.errors ?? []).map((e) => e.field).sort();
    expect(fields).toEqual(['colour', 'impact', 'title']);
    await expect(database.query(`SELECT count(*)::int AS n FROM incident.outbox`)).resolves.toEqual([{ n: before }]);
  });

  it('skips a request whose caller has already stopped waiting, and writes nothing', async () => {
    const [{ n: before } = { n: -1 }] = await database.query<{ n: number }>(`SELECT count(*)::int AS n FROM incident.incidents`);
    const headers = natsHeaders();
    headers.set(MessageHeaders.actor, JSON.stringify(alice));
    headers.set(MessageHeaders.deadline, String(Date.now() - 1));
    const packet = { pattern: IncidentRpc.create.subject, data: buildCreateIncident(), id: randomUUID() };
    const reply = await nc.request(IncidentRpc.create.subject, JSON.stringify(packet), { timeout: 5_000, headers });
    expect(reply.json<{ response: unknown }>().response).toMatchObject({ ok: false, error: { code: ErrorCode.TIMEOUT } });
    await expect(database.query(`SELECT count(*)::int AS n FROM incident.incidents`)).resolves.toEqual([{ n: before }]);
  });

  it('refuses a command without an authenticated caller', async () => {
    await expect(rpc.call(IncidentRpc.create, buildCreateIncident())).rejects.toMatchObject({ code: ErrorCode.UNAUTHENTICATED });
  });

  it('believes only actors signed by a trusted issuer: a service credential or an unsigned header cannot make one up', async () => {
    const admin: Actor = { sub: 'mallory', roles: [Role.Admin] };
    // The problem service may call incident.get, and signs what it makes up with its own key, which incident does not trust.
    const asProblem = await connectTestNats('incident-test-as-problem', 'problem');
    try {
      const created = await rpc.call(IncidentRpc.create, buildCreateIncident(), { actor: alice });
      await expect(new RpcClient(asProblem, 5_000).call(IncidentRpc.get, { id: created.id }, { actor: admin })).rejects.toMatchObject({ code: ErrorCode.UNAUTHENTICATED });
    } finally {
      await asProblem.close();
    }
    // An actor header without a signature, sent on a connection that may publish there.
    const headers = natsHeaders();
    headers.set(MessageHeaders.actor, JSON.stringify(admin));
    const reply = await nc.request(IncidentRpc.create.subject, JSON.stringify({ pattern: IncidentRpc.create.subject, data: buildCreateIncident(), id: randomUUID() }), { timeout: 5_000, headers });
    expect(reply.json<{ response: { ok: boolean; error?: { code: string } } }>().response).toMatchObject({ ok: false, error: { code: ErrorCode.UNAUTHENTICATED } });
    expect(await database.query(`SELECT 1 FROM incident.incidents WHERE caller_id = 'mallory'`)).toEqual([]);
  });
});

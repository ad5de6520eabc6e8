import { randomUUID } from 'node:crypto';
import { type CreatedIncidentView, IncidentEvents, Role } from '@itsm/contracts';
import { buildCreateIncident, metricSum, mintToken, readEvents, scrapeMetrics, waitFor } from '@itsm/testing';
import { type RunningSuite, SERVICES, startSuite } from './suite';

const requester = mintToken({ sub: 'alice', name: 'Alice Smith', roles: [Role.Requester] });
const agent = mintToken({ sub: 'sam', name: 'Sam Agent', roles: [Role.Agent] });

describe('the incident slice through the gateway, with every service running', () => {
  let suite: RunningSuite;

  beforeAll(async () => {
    suite = await startSuite();
  }, 120_000);

  afterAll(async () => {
    const codes = await suite.stop();
    // Every process stops cleanly on SIGTERM.
    expect(codes).toEqual(Object.fromEntries([...SERVICES, 'gateway'].map((name) => [name, 0])));
  }, 60_000);

  async function post(body: unknown, token = requester, headers: Record<string, string> = {}): Promise<Response> {
    return fetch(`${suite.baseUrl}/v1/incidents`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  }

  async function counts(): Promise<{ incidents: number; outbox: number; events: number; logged: number }> {
    const [{ incidents = -1 } = {}] = await suite.database.query<{ incidents: number }>(`SELECT count(*)::int AS incidents FROM incident.incidents`);
    const [{ outbox = -1 } = {}] = await suite.database.query<{ outbox: number }>(`SELECT count(*)::int AS outbox FROM incident.outbox`);
    const [{ logged = -1 } = {}] = await suite.database.query<{ logged: number }>(`SELECT count(*)::int AS logged FROM notification.event_log`);
    const events = (await readEvents(suite.nc, IncidentEvents.created.subject)).length;
    return { incidents, outbox, events, logged };
  }

  it('reports every service ready, with its outbox metrics', async () => {
    for (const service of SERVICES) {
      const port = suite.processes.get(service)?.port;
      const ready = await fetch(`http://127.0.0.1:${port}/health/ready`);
      await expect(ready.json()).resolves.toMatchObject({ status: 'ok', info: { database: { status: 'up' }, nats: { status: 'up' }, migrations: { status: 'up' } } });
      const metrics = await scrapeMetrics(port ?? 0);
      expect(metrics.some((sample) => sample.name === 'itsm_outbox_backlog')).toBe(true);
    }
  });

  it('creates an incident, publishes incident.created.v1, records it in notification, and reads it back', async () => {
    const correlationId = `e2e-${randomUUID()}`;
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const response = await post(buildCreateIncident({ title: 'Payroll portal returns 502', impact: 1, urgency: 1 }), requester, {
      'x-correlation-id': correlationId,
      traceparent: `00-${traceId}-00f067aa0ba902b7-01`,
    });
    expect(response.status).toBe(201);
    const { possibleDuplicates, ...created } = (await response.json()) as CreatedIncidentView;
    expect(possibleDuplicates).toEqual([]);
    expect(created).toMatchObject({ title: 'Payroll portal returns 502', priority: 'P1', state: 'new', callerId: 'alice', version: 1 });
    expect(created.number).toMatch(/^INC\d{7}$/);
    expect(response.headers.get('location')).toBe(`/v1/incidents/${created.id}`);
    expect(response.headers.get('etag')).toBe('"1"');
    expect(response.headers.get('x-correlation-id')).toBe(correlationId);

    const read = await fetch(`${suite.baseUrl}/v1/incidents/${created.id}`, { headers: { authorization: `Bearer ${requester}` } });
    expect(read.status).toBe(200);
    await expect(read.json()).resolves.toEqual(created);

    const [event] = await waitFor(async () => {
      const found = (await readEvents(suite.nc, IncidentEvents.created.subject)).filter((m) => m.body.subject === created.id);
      return found.length > 0 ? found : undefined;
    }, { what: 'incident.created.v1 on the stream' });
    expect(event?.body).toMatchObject({ type: 'itsm.incident.created.v1', source: 'itsm/incident', correlationid: correlationId, data: created });
    // The caller's trace goes on through the gateway, the RPC and the event.
    expect(event?.body.traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
    expect(event?.headers['traceparent']).toBe(event?.body.traceparent);

    const logged = await waitFor(async () => {
      const rows = await suite.database.query<{ event_id: string; type: string; correlation_id: string }>(
        `SELECT event_id, type, correlation_id FROM notification.event_log WHERE subject = $1`,
        [created.id],
      );
      return rows.length > 0 ? rows : undefined;
    }, { what: 'the event in the notification event log' });
    expect(logged).toEqual([{ event_id: event?.body.id, type: 'itsm.incident.created.v1', correlation_id: correlationId }]);

    const notification = await scrapeMetrics(suite.processes.get('notification')?.port ?? 0);
    expect(metricSum(notification, 'itsm_consumer_events_total', { consumer: 'notification-event-log', outcome: 'applied' })).toBeGreaterThanOrEqual(1);
    const incident = await scrapeMetrics(suite.processes.get('incident')?.port ?? 0);
    expect(metricSum(incident, 'itsm_outbox_published_total')).toBeGreaterThanOrEqual(1);
  });

  it('answers mistakes with problem+json and writes nothing', async () => {
    const before = await counts();
    const expectProblem = async (response: Response, status: number): Promise<Record<string, unknown>> => {
      expect(response.status).toBe(status);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      return (await response.json()) as Record<string, unknown>;
    };

    const missing = await expectProblem(await fetch(`${suite.baseUrl}/v1/incidents/${randomUUID()}`, { headers: { authorization: `Bearer ${agent}` } }), 404);
    expect(missing).toMatchObject({ status: 404, code: 'NOT_FOUND' });

    const malformed = await expectProblem(await post({ title: 'Printer', impact: 'enormous', urgency: 'low' }), 400);
    expect(malformed['errors']).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'impact' })]));

    await expectProblem(await post('{"title": "unterminated'), 400);
    await expectProblem(await post(buildCreateIncident(), `${requester}tampered`), 401);
    await expectProblem(await post(buildCreateIncident(), mintToken({ sub: 'carl', roles: [Role.Cab] })), 403);

    await new Promise((resolve) => setTimeout(resolve, 300));
    await expect(counts()).resolves.toEqual(before);
  });

  it('takes 1,000 concurrent creations: 1,000 rows, 1,000 events, 1,000 notification records, no duplicates', async () => {
    const before = await counts();
    const responses = await Promise.all(Array.from({ length: 1_000 }, (_, i) => post(buildCreateIncident({ title: `Concurrent incident ${i}` }))));
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status !== 201)).toEqual([]);
    const created = (await Promise.all(responses.map((response) => response.json()))) as CreatedIncidentView[];
    expect(new Set(created.map((incident) => incident.id)).size).toBe(1_000);
    expect(new Set(created.map((incident) => incident.number)).size).toBe(1_000);

    const expected = { incidents: before.incidents + 1_000, outbox: before.outbox + 1_000, events: before.events + 1_000, logged: before.logged + 1_000 };
    await waitFor(async () => {
      const now = await counts();
      return now.events >= expected.events && now.logged >= expected.logged ? now : undefined;
    }, { timeoutMs: 60_000, intervalMs: 500, what: '1,000 events through to the notification service' });
    await new Promise((resolve) => setTimeout(resolve, 500));
    await expect(counts()).resolves.toEqual(expected);

    const ids = new Set(created.map((incident) => incident.id));
    const events = (await readEvents(suite.nc, IncidentEvents.created.subject)).filter((m) => ids.has(m.body.subject));
    expect(events).toHaveLength(1_000);
    expect(new Set(events.map((m) => m.body.id)).size).toBe(1_000);
    const [{ n = -1 } = {}] = await suite.database.query<{ n: number }>(
      `SELECT count(DISTINCT subject)::int AS n FROM notification.event_log WHERE subject = ANY($1)`,
      [[...ids]],
    );
    expect(n).toBe(1_000);
  }, 120_000);
});

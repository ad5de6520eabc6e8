/**
 * Service-desk reports over HTTP: the gateway in-process, the built incident service as a process, real NATS and
 * PostgreSQL; incidents and requests seeded in SQL, the expected figures computed here from the same seed.
 */
import { randomUUID } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { type FulfilmentTimesReport, type IncidentBacklogReport, type IncidentVolumeReport, Priority, type ReopenRateReport, Role } from '@itsm/contracts';
import { mintToken } from '@itsm/testing';
import { GatewayWithService, problemFields } from './support/gateway-with-service';

const maria = mintToken({ sub: 'maria', roles: [Role.Manager] });
const audrey = mintToken({ sub: 'audrey', roles: [Role.Auditor] });
const sam = mintToken({ sub: 'sam', name: 'Sam Agent', roles: [Role.Agent] });
const alice = mintToken({ sub: 'alice', roles: [Role.Requester] });

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const FROM = new Date('2026-05-04T00:00:00Z');
const TO = new Date('2026-05-07T00:00:00Z');
const PERIOD = `from=${FROM.toISOString()}&to=${TO.toISOString()}`;

interface Seeded {
  priority: Priority;
  group: string | null;
  state: 'in_progress' | 'resolved' | 'closed' | 'canceled';
  openedAt: Date;
  resolvedAt: Date | null;
  closedAt: Date | null;
  reopens: number;
}

/** Two incidents a day from two days before the period to its last day, in turn of priority, group and fate. */
function seed(): Seeded[] {
  const fates: Array<Seeded['state']> = ['in_progress', 'resolved', 'closed', 'canceled', 'resolved'];
  return Array.from({ length: 10 }, (_, n) => {
    const state = fates[n % fates.length] as Seeded['state'];
    const openedAt = new Date(FROM.getTime() - 2 * DAY + n * 12 * HOUR + n * 60_000);
    const resolvedAt = state === 'resolved' || state === 'closed' ? new Date(openedAt.getTime() + (n + 1) * 5 * HOUR) : null;
    const closedAt = state === 'closed' && resolvedAt ? new Date(resolvedAt.getTime() + 2 * HOUR) : state === 'canceled' ? new Date(openedAt.getTime() + HOUR) : null;
    return { priority: [Priority.P2, Priority.P3, Priority.P4][n % 3] as Priority, group: n % 4 === 0 ? null : 'network', state, openedAt, resolvedAt, closedAt, reopens: n % 3 === 1 ? 1 : 0 };
  });
}

describe('service-desk reports through the gateway', () => {
  let h: GatewayWithService;
  const incidents = seed();

  beforeAll(async () => {
    h = await GatewayWithService.start('incident');
    for (const [n, i] of incidents.entries()) {
      await h.database.query(
        `INSERT INTO incident.incidents (id, number, title, impact, urgency, priority, state, caller_id, opened_by_id, assignment_group, reopen_count, opened_at, resolved_at, closed_at, version)
         VALUES ($1, $2, 'Seeded', 2, 2, $3, $4, 'alice', 'alice', $5, $6, $7, $8, $9, 1)`,
        [randomUUID(), `INC${8_000_000 + n}`, i.priority, i.state, i.group, i.reopens, i.openedAt, i.resolvedAt, i.closedAt],
      );
    }
  }, 90_000);

  afterAll(async () => {
    await expect(h?.stop()).resolves.toBe(0);
  }, 30_000);

  const within = (at: Date | null, start: Date, end: Date) => at !== null && at >= start && at < end;

  it('answers the daily volume by priority as JSON to a manager', async () => {
    const reply = await h.call<IncidentVolumeReport>('GET', `/v1/reports/incidents/volume?${PERIOD}&interval=day&groupBy=priority`, maria);
    const expected = [0, 1, 2].flatMap((day) => {
      const start = new Date(FROM.getTime() + day * DAY);
      const end = new Date(start.getTime() + DAY);
      return [Priority.P2, Priority.P3, Priority.P4]
        .map((key) => {
          const of = incidents.filter((i) => i.priority === key);
          return {
            start: start.toISOString(),
            end: end.toISOString(),
            key,
            opened: of.filter((i) => within(i.openedAt, start, end)).length,
            resolved: of.filter((i) => within(i.resolvedAt, start, end)).length,
            closed: of.filter((i) => i.state === 'closed' && within(i.closedAt, start, end)).length,
          };
        })
        .filter((row) => row.opened + row.resolved + row.closed > 0);
    });
    expect({ status: reply.status, contentType: reply.headers.get('content-type') }).toEqual({ status: 200, contentType: expect.stringContaining('application/json') });
    expect(reply.body).toEqual({ from: FROM.toISOString(), to: TO.toISOString(), interval: 'day', groupBy: 'priority', rows: expected });
    expect(expected.length).toBeGreaterThan(2);
  });

  it('answers the reopen rate by group to an auditor, as JSON and as CSV', async () => {
    const resolved = incidents.filter((i) => within(i.resolvedAt, FROM, TO));
    const row = (of: Seeded[], key: string | null) => {
      const reopened = of.filter((i) => i.reopens > 0).length;
      return { key, resolved: of.length, reopened, percent: of.length === 0 ? null : Math.round((reopened / of.length) * 1000) / 10 };
    };
    const reply = await h.call<ReopenRateReport>('GET', `/v1/reports/incidents/reopens?${PERIOD}`, audrey);
    expect(reply.status).toBe(200);
    const expectedRows = ['network', null].map((key) => row(resolved.filter((i) => i.group === key), key)).filter((r) => r.resolved > 0);
    expect(reply.body).toEqual({ from: FROM.toISOString(), to: TO.toISOString(), groupBy: 'group', rows: expectedRows, overall: row(resolved, null) });
    expect(reply.body.overall.reopened).toBeGreaterThan(0);

    const csv = await fetch(`${h.baseUrl}/v1/reports/incidents/reopens?${PERIOD}`, { headers: { authorization: `Bearer ${audrey}`, accept: 'text/csv' } });
    expect(csv.status).toBe(200);
    const records = parse(await csv.text(), { columns: true }) as Array<Record<string, string>>;
    expect(records).toEqual([
      ...expectedRows.map((r) => ({ groupBy: 'group', key: r.key ?? '', resolved: String(r.resolved), reopened: String(r.reopened), percent: r.percent === null ? '' : String(r.percent) })),
      { groupBy: 'overall', key: '', resolved: String(reply.body.overall.resolved), reopened: String(reply.body.overall.reopened), percent: String(reply.body.overall.percent) },
    ]);
  });

  it('answers the backlog at the end of each day, canceled and resolved incidents no longer counted', async () => {
    const reply = await h.call<IncidentBacklogReport>('GET', `/v1/reports/incidents/backlog?${PERIOD}`, audrey);
    const expected = [0, 1, 2].map((day) => {
      const start = new Date(FROM.getTime() + day * DAY);
      const end = new Date(start.getTime() + DAY);
      const open = incidents.filter((i) => {
        const ended = i.resolvedAt ?? i.closedAt;
        return i.openedAt <= end && (ended === null || ended > end);
      }).length;
      return { start: start.toISOString(), end: end.toISOString(), key: null, open };
    });
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ from: FROM.toISOString(), to: TO.toISOString(), interval: 'day', groupBy: null, rows: expected });
  });

  it('answers an empty fulfilment report when no request was fulfilled in the period', async () => {
    const reply = await h.call<FulfilmentTimesReport>('GET', `/v1/reports/requests/fulfilment-times?${PERIOD}`, maria);
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ from: FROM.toISOString(), to: TO.toISOString(), rows: [], overall: { count: 0, mean: null, median: null, p90: null } });
  });

  it('refuses bad questions with 400 naming the field', async () => {
    const cases: Array<[string, string]> = [
      ['to', `from=${TO.toISOString()}&to=${FROM.toISOString()}`],
      ['to', 'from=2026-01-01T00:00:00Z&to=2027-06-01T00:00:00Z'],
      ['interval', `${PERIOD}&interval=hour`],
      ['groupBy', `${PERIOD}&groupBy=caller`],
    ];
    for (const [field, query] of cases) {
      const reply = await h.call('GET', `/v1/reports/incidents/backlog?${query}`, maria);
      expect({ query, status: reply.status, fields: problemFields(reply) }).toEqual({ query, status: 400, fields: [field] });
    }
  });

  it('refuses agents and requesters every service-desk report with 403', async () => {
    const paths = ['volume', 'backlog', 'resolution-times', 'first-contact-resolution', 'reassignments', 'reopens'].map((name) => `/v1/reports/incidents/${name}`);
    for (const path of [...paths, '/v1/reports/requests/fulfilment-times']) {
      for (const token of [sam, alice]) {
        const reply = await h.call('GET', `${path}?${PERIOD}`, token);
        expect({ path, status: reply.status }).toEqual({ path, status: 403 });
      }
    }
  });
});

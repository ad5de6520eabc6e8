/**
 * The service-desk reports over RPC against the real database: incidents and requests seeded in SQL with known
 * timestamps, each figure checked against what this file computes from the same seed in TypeScript.
 */
import { randomUUID } from 'node:crypto';
import {
  type Actor,
  ApprovalType,
  CatalogRpc,
  Channel,
  CommonErrorCode,
  type DurationFigures,
  ErrorCode,
  IncidentReportRpc,
  Priority,
  REASSIGNMENT_DISTRIBUTION_CAP,
  RequestRpc,
  RequestState,
  Role,
} from '@itsm/contracts';
import { ada, alice, buildCatalogItem, buildSubmitRequest, fieldsOf, maria, sam } from '@itsm/testing';
import { IncidentHarness } from './support/incident-harness';

const audrey: Actor = { sub: 'audrey', name: 'Audrey Auditor', roles: [Role.Auditor] };

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const FROM = new Date('2026-03-02T00:00:00Z');
const TO = new Date('2026-03-12T00:00:00Z');
const PERIOD = { from: FROM.toISOString(), to: TO.toISOString() };

const GROUPS = ['network', 'service-desk', null] as const;
const PRIORITIES = [Priority.P1, Priority.P2, Priority.P3, Priority.P4];
const SERVICES = [randomUUID(), randomUUID(), null];
const CHANNELS = [Channel.Email, Channel.Portal, Channel.Api];
type Fate = 'new' | 'in_progress' | 'on_hold' | 'resolved' | 'closed' | 'canceled' | 'merged';
const FATES: Fate[] = ['new', 'in_progress', 'on_hold', 'resolved', 'resolved', 'closed', 'closed', 'canceled', 'merged'];

interface SeededIncident {
  id: string;
  state: Fate;
  priority: Priority;
  group: string | null;
  service: string | null;
  channel: Channel;
  openedAt: Date;
  respondedAt: Date | null;
  resolvedAt: Date | null;
  closedAt: Date | null;
  reassignments: number;
  reopens: number;
}

/** A small deterministic generator, so a failure can be replayed with the same seed. */
function generator(seed: number): { int(n: number): number; pick<T>(values: readonly T[]): T } {
  let state = seed >>> 0;
  const next = () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
  return { int: (n) => Math.floor(next() * n), pick: (values) => values[Math.floor(next() * values.length)] as (typeof values)[number] };
}

/** Incidents whose moves fall exactly on the ends of buckets, where an off-by-one would show. */
function onBoundaries(): SeededIncident[] {
  const day = (n: number) => new Date(FROM.getTime() + n * DAY);
  const base = { priority: Priority.P2, group: 'network', service: null, channel: Channel.Portal, reassignments: 0, reopens: 0 };
  return [
    { ...base, id: randomUUID(), state: 'in_progress', openedAt: day(1), respondedAt: day(2), resolvedAt: null, closedAt: null },
    { ...base, id: randomUUID(), state: 'resolved', openedAt: day(-1), respondedAt: new Date(day(3).getTime() - HOUR), resolvedAt: day(3), closedAt: null },
    { ...base, id: randomUUID(), state: 'canceled', openedAt: day(4), respondedAt: null, resolvedAt: null, closedAt: TO },
    { ...base, id: randomUUID(), state: 'closed', openedAt: day(4), respondedAt: day(4), resolvedAt: day(5), closedAt: day(6) },
    { ...base, id: randomUUID(), state: 'resolved', openedAt: day(6), respondedAt: day(7), resolvedAt: day(7), closedAt: null },
  ];
}

/** Incidents around the period (some before it, some after), in every state, with whole-second timestamps. */
function seedIncidents(count: number): SeededIncident[] {
  const g = generator(20_260_302);
  const start = FROM.getTime() - 3 * DAY;
  return [...onBoundaries(), ...Array.from({ length: count }, (): SeededIncident => {
    const state = g.pick(FATES);
    const openedAt = new Date(start + g.int(14 * 24 * 60) * 60_000);
    const ended = ['resolved', 'closed'].includes(state);
    const respondedAt = g.int(4) === 0 && !ended ? null : new Date(openedAt.getTime() + (1 + g.int(3 * 3600)) * 1000);
    const resolvedAt = ended ? new Date((respondedAt ?? openedAt).getTime() + (60 + g.int(3 * 24 * 3600)) * 1000) : null;
    const closedAt =
      state === 'closed' && resolvedAt
        ? new Date(resolvedAt.getTime() + g.int(2 * 24 * 3600) * 1000)
        : state === 'canceled' || state === 'merged'
          ? new Date(openedAt.getTime() + g.int(2 * 24 * 3600) * 1000)
          : null;
    return {
      id: randomUUID(),
      state,
      priority: g.pick(PRIORITIES),
      group: g.pick(GROUPS),
      service: g.pick(SERVICES),
      channel: g.pick(CHANNELS),
      openedAt,
      respondedAt,
      resolvedAt,
      closedAt,
      reassignments: g.pick([0, 0, 0, 1, 1, 2, 3, 5, 7]),
      reopens: ended ? g.pick([0, 0, 0, 1, 2]) : 0,
    };
  })];
}

const inPeriod = (at: Date | null): at is Date => at !== null && at >= FROM && at < TO;
const round2 = (value: number) => Math.round(value * 100) / 100;
const percent = (part: number, whole: number) => (whole === 0 ? null : Math.round((part / whole) * 1000) / 10);

/** Linear interpolation between the closest ranks, as PostgreSQL's `percentile_cont`. */
function percentile(sorted: number[], fraction: number): number {
  const rank = (sorted.length - 1) * fraction;
  const below = sorted[Math.floor(rank)] ?? 0;
  const above = sorted[Math.ceil(rank)] ?? 0;
  return below + (above - below) * (rank - Math.floor(rank));
}

function durations(seconds: number[]): DurationFigures {
  if (seconds.length === 0) return { count: 0, mean: null, median: null, p90: null };
  const sorted = [...seconds].sort((a, b) => a - b);
  return {
    count: seconds.length,
    mean: round2(seconds.reduce((sum, s) => sum + s, 0) / seconds.length),
    median: round2(percentile(sorted, 0.5)),
    p90: round2(percentile(sorted, 0.9)),
  };
}

const secondsBetween = (from: Date, to: Date) => (to.getTime() - from.getTime()) / 1000;

/** The distinct keys of `items`, sorted as the reports sort them (text order, null last). */
function keysOf<T>(items: T[], key: (item: T) => string | null): Array<string | null> {
  const keys = [...new Set(items.map(key))];
  return [...keys.filter((k): k is string => k !== null).sort(), ...(keys.includes(null) ? [null] : [])];
}

/** Days from FROM to TO: the buckets the reports should use, computed here on their own. */
function days(): Array<{ start: Date; end: Date }> {
  const buckets: Array<{ start: Date; end: Date }> = [];
  for (let t = FROM.getTime(); t < TO.getTime(); t += DAY) buckets.push({ start: new Date(t), end: new Date(Math.min(t + DAY, TO.getTime())) });
  return buckets;
}

/** The end of an incident's being open: its resolution, else its closing (cancel and merge close too). */
const endOf = (incident: SeededIncident) => incident.resolvedAt ?? incident.closedAt;
const isOpenAt = (incident: SeededIncident, t: Date) => incident.openedAt <= t && (endOf(incident) === null || (endOf(incident) as Date) > t);

describe('service-desk reports', () => {
  let h: IncidentHarness;
  const incidents = seedIncidents(160);

  beforeAll(async () => {
    h = await IncidentHarness.start();
    for (const [n, i] of incidents.entries()) {
      await h.database.query(
        `INSERT INTO incident.incidents (id, number, title, impact, urgency, priority, state, caller_id, opened_by_id, channel, assignment_group, service_id,
                                         reassignment_count, reopen_count, opened_at, responded_at, resolved_at, closed_at, version)
         VALUES ($1, $2, 'Seeded', 2, 2, $3, $4, 'alice', 'alice', $5, $6, $7, $8, $9, $10, $11, $12, $13, 1)`,
        [i.id, `INC${9_000_000 + n}`, i.priority, i.state, i.channel, i.group, i.service, i.reassignments, i.reopens, i.openedAt, i.respondedAt, i.resolvedAt, i.closedAt],
      );
    }
  });

  afterAll(async () => {
    await h.stop();
  });

  describe('volume', () => {
    it('counts incidents opened, resolved and closed per day, every day listed when not grouped', async () => {
      const report = await h.rpc.call(IncidentReportRpc.volume, { ...PERIOD, interval: 'day' }, { actor: maria });
      const expected = days().map(({ start, end }) => {
        const within = (at: Date | null) => at !== null && at >= start && at < end;
        return {
          start: start.toISOString(),
          end: end.toISOString(),
          key: null,
          opened: incidents.filter((i) => within(i.openedAt)).length,
          resolved: incidents.filter((i) => within(i.resolvedAt)).length,
          closed: incidents.filter((i) => i.state === 'closed' && within(i.closedAt)).length,
        };
      });
      expect(report).toEqual({ ...PERIOD, interval: 'day', groupBy: null, rows: expected });
      expect(expected.some((row) => row.opened > 0 && row.resolved > 0 && row.closed > 0)).toBe(true);
    });

    it('splits each bucket by priority, listing only the keys with a figure, and keeps only the filtered incidents', async () => {
      const group = 'network';
      const report = await h.rpc.call(IncidentReportRpc.volume, { ...PERIOD, interval: 'week', groupBy: 'priority', assignmentGroup: group }, { actor: audrey });
      const mine = incidents.filter((i) => i.group === group);
      const weeks = [
        { start: FROM, end: new Date(FROM.getTime() + 7 * DAY) },
        { start: new Date(FROM.getTime() + 7 * DAY), end: TO },
      ];
      const expected = weeks.flatMap(({ start, end }) => {
        const within = (at: Date | null) => at !== null && at >= start && at < end;
        return keysOf(mine, (i) => i.priority)
          .map((key) => {
            const of = mine.filter((i) => i.priority === key);
            return {
              start: start.toISOString(),
              end: end.toISOString(),
              key,
              opened: of.filter((i) => within(i.openedAt)).length,
              resolved: of.filter((i) => within(i.resolvedAt)).length,
              closed: of.filter((i) => i.state === 'closed' && within(i.closedAt)).length,
            };
          })
          .filter((row) => row.opened + row.resolved + row.closed > 0);
      });
      expect(report).toEqual({ ...PERIOD, interval: 'week', groupBy: 'priority', rows: expected });
    });
  });

  describe('backlog', () => {
    it('counts the incidents open at the end of each day, by group', async () => {
      const report = await h.rpc.call(IncidentReportRpc.backlog, { ...PERIOD, groupBy: 'group' }, { actor: ada });
      const expected = days().flatMap(({ start, end }) =>
        keysOf(incidents, (i) => i.group)
          .map((key) => ({ start: start.toISOString(), end: end.toISOString(), key, open: incidents.filter((i) => i.group === key && isOpenAt(i, end)).length }))
          .filter((row) => row.open > 0),
      );
      expect(report).toEqual({ ...PERIOD, interval: 'day', groupBy: 'group', rows: expected });
      expect(new Set(expected.map((row) => row.key)).size).toBe(GROUPS.length);
    });

    it('takes the state at each instant to be the current one while open, else new before the first response and in progress after', async () => {
      const report = await h.rpc.call(IncidentReportRpc.backlog, { ...PERIOD, groupBy: 'state' }, { actor: maria });
      const stateAt = (i: SeededIncident, t: Date): string =>
        ['new', 'in_progress', 'on_hold'].includes(i.state) ? i.state : i.respondedAt === null || i.respondedAt > t ? 'new' : 'in_progress';
      const expected = days().flatMap(({ start, end }) => {
        const open = incidents.filter((i) => isOpenAt(i, end));
        return ['in_progress', 'new', 'on_hold']
          .map((key) => ({ start: start.toISOString(), end: end.toISOString(), key, open: open.filter((i) => stateAt(i, end) === key).length }))
          .filter((row) => row.open > 0);
      });
      expect(report.rows).toEqual(expected);
      expect(new Set(expected.map((row) => row.key))).toEqual(new Set(['new', 'in_progress', 'on_hold']));
    });

    it('lists every bucket once when not grouped, with the total open at its end', async () => {
      const report = await h.rpc.call(IncidentReportRpc.backlog, { ...PERIOD, interval: 'month' }, { actor: maria });
      expect(report.rows).toEqual([{ ...{ start: PERIOD.from, end: PERIOD.to }, key: null, open: incidents.filter((i) => isOpenAt(i, TO)).length }]);
    });
  });

  describe('resolution times', () => {
    it('gives MTTA and MTTR (count, mean, median, p90 in seconds) per priority and overall', async () => {
      const report = await h.rpc.call(IncidentReportRpc.resolutionTimes, { ...PERIOD, groupBy: 'priority' }, { actor: maria });
      const figures = (of: SeededIncident[], key: string | null) => ({
        key,
        mtta: durations(of.filter((i) => inPeriod(i.respondedAt)).map((i) => secondsBetween(i.openedAt, i.respondedAt as Date))),
        mttr: durations(of.filter((i) => inPeriod(i.resolvedAt)).map((i) => secondsBetween(i.openedAt, i.resolvedAt as Date))),
      });
      const counted = incidents.filter((i) => inPeriod(i.respondedAt) || inPeriod(i.resolvedAt));
      expect(report).toEqual({
        ...PERIOD,
        groupBy: 'priority',
        rows: keysOf(counted, (i) => i.priority).map((key) => figures(counted.filter((i) => i.priority === key), key)),
        overall: figures(counted, null),
      });
      expect(report.overall.mttr.count).toBeGreaterThan(10);
    });

    it('defaults to the assignment group and applies the service filter', async () => {
      const service = SERVICES[0] as string;
      const report = await h.rpc.call(IncidentReportRpc.resolutionTimes, { ...PERIOD, service }, { actor: maria });
      const counted = incidents.filter((i) => i.service === service && inPeriod(i.resolvedAt));
      expect(report.groupBy).toBe('group');
      expect(report.overall.mttr).toEqual(durations(counted.map((i) => secondsBetween(i.openedAt, i.resolvedAt as Date))));
    });
  });

  describe('first-contact resolution, reassignments and reopens', () => {
    const resolved = () => incidents.filter((i) => inPeriod(i.resolvedAt));

    it('counts as first-contact the resolved incidents never reassigned nor reopened, by channel', async () => {
      const report = await h.rpc.call(IncidentReportRpc.firstContactResolution, { ...PERIOD, groupBy: 'channel' }, { actor: audrey });
      const row = (of: SeededIncident[], key: string | null) => {
        const first = of.filter((i) => i.reassignments === 0 && i.reopens === 0).length;
        return { key, resolved: of.length, firstContact: first, percent: percent(first, of.length) };
      };
      expect(report).toEqual({
        ...PERIOD,
        groupBy: 'channel',
        rows: keysOf(resolved(), (i) => i.channel).map((key) => row(resolved().filter((i) => i.channel === key), key)),
        overall: row(resolved(), null),
      });
      expect(report.overall.firstContact).toBeGreaterThan(0);
      expect(report.overall.firstContact).toBeLessThan(report.overall.resolved);
    });

    it('gives the distribution and mean of reassignments per group, the largest counts together', async () => {
      const report = await h.rpc.call(IncidentReportRpc.reassignments, PERIOD, { actor: maria });
      const row = (of: SeededIncident[], key: string | null) => ({
        key,
        incidents: of.length,
        mean: of.length === 0 ? null : round2(of.reduce((sum, i) => sum + i.reassignments, 0) / of.length),
        distribution: Array.from({ length: REASSIGNMENT_DISTRIBUTION_CAP + 1 }, (_, n) => ({
          reassignments: n === REASSIGNMENT_DISTRIBUTION_CAP ? `${n}+` : String(n),
          incidents: of.filter((i) => (n === REASSIGNMENT_DISTRIBUTION_CAP ? i.reassignments >= n : i.reassignments === n)).length,
        })),
      });
      expect(report).toEqual({
        ...PERIOD,
        rows: keysOf(resolved(), (i) => i.group).map((key) => row(resolved().filter((i) => i.group === key), key)),
        overall: row(resolved(), null),
      });
    });

    it('gives the share of resolved incidents reopened at least once, by priority', async () => {
      const report = await h.rpc.call(IncidentReportRpc.reopens, { ...PERIOD, groupBy: 'priority' }, { actor: maria });
      const row = (of: SeededIncident[], key: string | null) => {
        const reopened = of.filter((i) => i.reopens > 0).length;
        return { key, resolved: of.length, reopened, percent: percent(reopened, of.length) };
      };
      expect(report).toEqual({
        ...PERIOD,
        groupBy: 'priority',
        rows: keysOf(resolved(), (i) => i.priority).map((key) => row(resolved().filter((i) => i.priority === key), key)),
        overall: row(resolved(), null),
      });
      expect(report.overall.reopened).toBeGreaterThan(0);
    });

    it('answers zeros and nulls for a period with nothing in it', async () => {
      const empty = { from: '2030-01-01T00:00:00.000Z', to: '2030-01-02T00:00:00.000Z' };
      await expect(h.rpc.call(IncidentReportRpc.reopens, empty, { actor: maria })).resolves.toEqual({
        ...empty,
        groupBy: 'group',
        rows: [],
        overall: { key: null, resolved: 0, reopened: 0, percent: null },
      });
      await expect(h.rpc.call(IncidentReportRpc.resolutionTimes, empty, { actor: maria })).resolves.toMatchObject({
        rows: [],
        overall: { key: null, mtta: { count: 0, mean: null, median: null, p90: null }, mttr: { count: 0, mean: null, median: null, p90: null } },
      });
    });
  });

  describe('request fulfilment times', () => {
    interface SeededRequest {
      id: string;
      item: { id: string; name: string };
      submittedAt: Date;
      /** The moves of the request after submission, in order. */
      moves: Array<{ state: string; at: Date }>;
    }

    it('measures submission to the first fulfilment (or closing) per catalog item, from the audit trail', async () => {
      const items = [
        { id: randomUUID(), name: 'New laptop' },
        { id: randomUUID(), name: 'VPN access' },
      ];
      for (const item of items) {
        await h.database.query(
          `INSERT INTO incident.catalog_items (id, name, category, form_schema, approval, fulfillment_group, expected_delivery_hours, status, version)
           VALUES ($1, $2, 'hardware', '{}', '{"type":"none"}', 'service-desk', 48, 'active', 1)`,
          [item.id, item.name],
        );
      }
      const g = generator(7);
      const requests: SeededRequest[] = Array.from({ length: 40 }, () => {
        const submittedAt = new Date(FROM.getTime() - 2 * DAY + g.int(12 * 24 * 3600) * 1000);
        const fulfilledAt = new Date(submittedAt.getTime() + (600 + g.int(4 * 24 * 3600)) * 1000);
        const fate = g.pick(['fulfilled', 'closed', 'closed-directly', 'in_fulfillment']);
        const moves = [{ state: 'in_fulfillment', at: new Date(submittedAt.getTime() + 60_000) }];
        if (fate === 'fulfilled' || fate === 'closed') moves.push({ state: 'fulfilled', at: fulfilledAt });
        if (fate === 'closed') moves.push({ state: 'closed', at: new Date(fulfilledAt.getTime() + DAY) });
        if (fate === 'closed-directly') moves.push({ state: 'closed', at: fulfilledAt });
        return { id: randomUUID(), item: g.pick(items), submittedAt, moves };
      });
      for (const [n, r] of requests.entries()) {
        const last = r.moves[r.moves.length - 1] as { state: string; at: Date };
        await h.database.query(
          `INSERT INTO incident.requests (id, number, item_id, item_name, item_version, requester_id, answers, approval, state, created_at, updated_at, version)
           VALUES ($1, $2, $3, $4, 1, 'alice', '{}', '{"type":"none"}', $5, $6, $7, $8)`,
          [r.id, `REQ${9_000_000 + n}`, r.item.id, r.item.name, last.state, r.submittedAt, last.at, r.moves.length + 1],
        );
        for (const move of r.moves) {
          await h.database.query(`INSERT INTO incident.audit_log (entity_type, entity_id, action, actor_id, at, after) VALUES ('request', $1, 'state_changed', 'sam', $2, $3)`, [
            r.id,
            move.at,
            JSON.stringify({ id: r.id, state: move.state }),
          ]);
        }
      }

      const report = await h.rpc.call(IncidentReportRpc.fulfilmentTimes, PERIOD, { actor: maria });
      const done = requests
        .map((r) => ({ r, at: r.moves.find((m) => m.state === 'fulfilled' || m.state === 'closed')?.at ?? null }))
        .filter((d): d is { r: SeededRequest; at: Date } => inPeriod(d.at));
      const seconds = (of: typeof done) => of.map(({ r, at }) => secondsBetween(r.submittedAt, at));
      expect(report).toEqual({
        ...PERIOD,
        rows: [...items]
          .sort((a, b) => a.name.localeCompare(b.name))
          .map((item) => ({ item, of: done.filter((d) => d.r.item.id === item.id) }))
          .filter(({ of }) => of.length > 0)
          .map(({ item, of }) => ({ itemId: item.id, itemName: item.name, fulfilment: durations(seconds(of)) })),
        overall: durations(seconds(done)),
      });
      expect(report.rows).toHaveLength(2);

      const onlyVpn = await h.rpc.call(IncidentReportRpc.fulfilmentTimes, { ...PERIOD, itemId: items[1]?.id }, { actor: maria });
      expect(onlyVpn.rows.map((row) => row.itemName)).toEqual(['VPN access']);
    });
  });

  describe('request fulfilment through the service itself', () => {
    it('counts a request fulfilled through its own moves, from its submission to its fulfilment', async () => {
      const before = new Date();
      const item = await h.rpc.call(CatalogRpc.create, buildCatalogItem({ approval: { type: ApprovalType.None } }), { actor: ada });
      const request = await h.rpc.call(RequestRpc.submit, buildSubmitRequest(item.id), { actor: alice });
      const started = await h.rpc.call(RequestRpc.transition, { id: request.id, to: RequestState.InFulfillment }, { actor: sam });
      for (const task of started.tasks) await h.rpc.call(RequestRpc.completeTask, { id: request.id, taskId: task.id }, { actor: sam });
      await h.rpc.call(RequestRpc.transition, { id: request.id, to: RequestState.Fulfilled }, { actor: sam });
      const after = new Date();

      const now = { from: new Date(before.getTime() - HOUR).toISOString(), to: new Date(after.getTime() + HOUR).toISOString() };
      const report = await h.rpc.call(IncidentReportRpc.fulfilmentTimes, { ...now, itemId: item.id }, { actor: maria });
      const [row] = await h.database.query<{ seconds: number }>(
        `SELECT extract(epoch FROM a.at - r.created_at)::float8 AS seconds FROM incident.requests r
         JOIN incident.audit_log a ON a.entity_id = r.id AND a.action = 'state_changed' AND a.after->>'state' = 'fulfilled' WHERE r.id = $1`,
        [request.id],
      );
      expect(report.rows).toEqual([{ itemId: item.id, itemName: item.name, fulfilment: durations([row?.seconds ?? Number.NaN]) }]);
      expect(report.overall.count).toBe(1);
    });
  });

  describe('bad questions and callers', () => {
    it('refuses a period that does not end after it starts, or is longer than 366 days, naming to', async () => {
      for (const period of [
        { from: PERIOD.to, to: PERIOD.from },
        { from: PERIOD.from, to: PERIOD.from },
        { from: '2026-01-01T00:00:00Z', to: '2027-01-02T00:00:01Z' },
      ]) {
        const refused = await h.rpc.call(IncidentReportRpc.volume, period, { actor: maria }).catch((error: unknown) => error);
        expect(refused).toMatchObject({ code: ErrorCode.VALIDATION, reason: CommonErrorCode.InvalidRequest });
        expect(fieldsOf(refused)).toEqual(['to']);
      }
    });

    it('refuses an unknown interval, grouping or priority, and a period that is no instant, naming each', async () => {
      const cases: Array<[string, object]> = [
        ['interval', { ...PERIOD, interval: 'hour' }],
        ['groupBy', { ...PERIOD, groupBy: 'caller' }],
        ['priority', { ...PERIOD, priority: 'P9' }],
        ['from', { ...PERIOD, from: 'yesterday' }],
      ];
      for (const [field, request] of cases) {
        const refused = await h.rpc.call(IncidentReportRpc.backlog, request as never, { actor: maria }).catch((error: unknown) => error);
        expect({ field, code: (refused as { code?: string }).code, fields: fieldsOf(refused) }).toEqual({ field, code: ErrorCode.VALIDATION, fields: [field] });
      }
      const channelForReopens = await h.rpc.call(IncidentReportRpc.reopens, { ...PERIOD, groupBy: 'channel' } as never, { actor: maria }).catch((error: unknown) => error);
      expect(fieldsOf(channelForReopens)).toEqual(['groupBy']);
    });

    it('refuses requesters and agents every report', async () => {
      for (const actor of [alice, sam]) {
        for (const report of Object.values(IncidentReportRpc)) {
          await expect(h.rpc.call(report, PERIOD as never, { actor })).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
        }
      }
    });
  });
});

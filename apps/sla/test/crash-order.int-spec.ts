/**
 * The sla service killed (SIGKILL) while it held ticket events it had pulled but not acknowledged: the process that
 * starts next applies them before anything newer, each once, well inside the acknowledgement wait, and every fact
 * about the clocks is announced once.
 */
import { randomUUID } from 'node:crypto';
import type { NatsConnection } from 'nats';
import { Client } from 'pg';
import {
  ClockAction,
  type ClockHistoryEntry,
  type ClockView,
  type CloudEvent,
  domainEvents,
  type EventDeclaration,
  EVENTS_STREAM,
  HoldReason,
  IncidentEvents,
  IncidentState,
  type IncidentView,
  Priority,
  type SlaMetric,
  SlaEvents,
  SlaRpc,
} from '@itsm/contracts';
import { RpcClient } from '@itsm/messaging';
import { ada, buildIncidentView, createTestDatabase, freePort, readEvents, resetStreams, sam, type ServiceProcess, serviceTestEnv, spawnApp, type TestDatabase, waitFor, waitUntilReady, connectTestNats } from '@itsm/testing';
import { payloadOf } from './support/sla-harness';

/** The durable consumer of ticket events (`<service>-<purpose>`). */
const CONSUMER = 'sla-tickets';
const ACK_WAIT_MS = 60_000;
/** Well inside the ack wait: a restart that waited for the broker to send the held events again would not make it. */
const SETTLE_MS = 20_000;
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const NOW = Date.now();

type SlaEvent = CloudEvent<Record<string, unknown>>;

/** The history step each lifecycle event announces. */
const LIFECYCLE: ReadonlyMap<string, ClockAction> = new Map([
  [SlaEvents.clockStarted.type, ClockAction.Started],
  [SlaEvents.clockPaused.type, ClockAction.Paused],
  [SlaEvents.clockResumed.type, ClockAction.Resumed],
  [SlaEvents.clockRetargeted.type, ClockAction.Retargeted],
  [SlaEvents.achieved.type, ClockAction.Stopped],
  [SlaEvents.clockStopped.type, ClockAction.Stopped],
  [SlaEvents.clockCanceled.type, ClockAction.Canceled],
]);

/** A history entry as the checks compare it. */
const entryLine = (action: ClockAction, at: string, reason: string): string => `${action} ${at} ${reason}`;

/** One incident's events as the incident service publishes them, in version order, and the clocks they must give. */
class Story {
  readonly steps: Array<{ event: EventDeclaration; before: IncidentView; after: IncidentView }> = [];
  /** Each clock's history as `action at reason`, from the incident's versions applied in order. */
  readonly expected: Record<SlaMetric, string[]>;
  /** A response given after the response target: its clock stops breached and the breach is announced. */
  late = false;

  constructor(readonly created: IncidentView) {
    this.steps.push({ event: IncidentEvents.created, before: created, after: created });
    const started = entryLine(ClockAction.Started, created.createdAt, 'incident opened');
    this.expected = { response: [started], resolution: [started] };
  }

  static opened(at: Date, fields: Partial<IncidentView> = {}): Story {
    return new Story(buildIncidentView({ createdAt: at.toISOString(), updatedAt: at.toISOString(), openedAt: at.toISOString(), ...fields }));
  }

  get last(): IncidentView {
    return this.steps[this.steps.length - 1]?.after ?? this.created;
  }

  /** The next version, changed by `fields` at `at`, and the entry it adds to a clock's history (`[action, reason]`). */
  then(event: EventDeclaration, fields: Partial<IncidentView>, at: Date, gives: Partial<Record<SlaMetric, [ClockAction, string]>> = {}): this {
    const before = this.last;
    this.steps.push({ event, before, after: { ...before, ...fields, version: before.version + 1, updatedAt: at.toISOString() } });
    for (const [metric, [action, reason]] of Object.entries(gives) as Array<[SlaMetric, [ClockAction, string]]>) this.expected[metric].push(entryLine(action, at.toISOString(), reason));
    return this;
  }
}

/** Created, answered ten minutes later, resolved after an hour. */
function answeredAndResolved(opened: Date): Story {
  const at = (minutes: number) => new Date(opened.getTime() + minutes * MINUTE);
  return Story.opened(opened)
    .then(IncidentEvents.stateChanged, { state: IncidentState.InProgress, respondedAt: at(10).toISOString() }, at(10), { response: [ClockAction.Stopped, 'first response'] })
    .then(IncidentEvents.stateChanged, { state: IncidentState.Resolved, resolvedAt: at(60).toISOString() }, at(60), { resolution: [ClockAction.Stopped, 'ticket resolved'] });
}

/** One of four courses an incident of the burst takes; each ends with its clocks where time alone changes nothing during the test. */
function burstStory(index: number): Story {
  const kind = index % 4;
  // The late one is opened six hours ago and answered after five: past the four-hour response target.
  const opened = new Date(NOW - (kind === 2 ? 6 * HOUR : 2 * HOUR) + index * 1_000);
  const at = (minutes: number) => new Date(opened.getTime() + minutes * MINUTE);
  switch (kind) {
    case 0:
      return answeredAndResolved(opened);
    case 1:
      return Story.opened(opened)
        .then(IncidentEvents.stateChanged, { state: IncidentState.InProgress, respondedAt: at(10).toISOString() }, at(10), { response: [ClockAction.Stopped, 'first response'] })
        .then(IncidentEvents.stateChanged, { state: IncidentState.OnHold, holdReason: HoldReason.AwaitingCaller }, at(20), { resolution: [ClockAction.Paused, 'state on_hold (awaiting_caller)'] })
        .then(IncidentEvents.stateChanged, { state: IncidentState.InProgress, holdReason: null }, at(50), { resolution: [ClockAction.Resumed, 'state in_progress'] });
    case 2: {
      const story = Story.opened(opened)
        .then(IncidentEvents.stateChanged, { state: IncidentState.InProgress, respondedAt: at(300).toISOString() }, at(300), { response: [ClockAction.Stopped, 'first response'] })
        .then(IncidentEvents.stateChanged, { state: IncidentState.Resolved, resolvedAt: at(330).toISOString() }, at(330), { resolution: [ClockAction.Stopped, 'ticket resolved'] });
      story.late = true;
      return story;
    }
    default:
      return Story.opened(opened)
        .then(IncidentEvents.priorityChanged, { priority: Priority.P1, priorityOverridden: true }, at(5), { resolution: [ClockAction.Retargeted, 'priority P1'] })
        .then(IncidentEvents.stateChanged, { state: IncidentState.InProgress, respondedAt: at(15).toISOString() }, at(15), { response: [ClockAction.Stopped, 'first response'] });
  }
}

interface FactReport {
  /** SLA events on the stream about the stories' tickets. */
  events: number;
  /** Of which lifecycle events (one per history entry of a clock). */
  lifecycle: number;
  breaches: number;
  /** Copies of an event id beyond the first. */
  duplicates: number;
  corrections: number;
  problems: string[];
}

const entryOf = (entry: ClockHistoryEntry | Record<string, unknown>) => {
  const { action, at, reason, elapsedSeconds, targetSeconds, dueAt } = entry as ClockHistoryEntry;
  return { action, at, reason, elapsedSeconds, targetSeconds, dueAt };
};

/**
 * Holds what was announced against what the clocks are: per clock and history position exactly one lifecycle event,
 * reading as that entry reads, the last one leaving the clock in its present state; each clock started when its
 * incident was opened; each breach once; every event id once; no correction (nothing needed correcting).
 */
function checkFacts(events: SlaEvent[], clocks: ClockView[], stories: Story[]): FactReport {
  const tickets = new Map(stories.map((story) => [story.created.id, story]));
  const about = events.filter((event) => tickets.has(event.data['ticketId'] as string));
  const problems: string[] = [];
  const seen = new Map<string, number>();
  for (const event of about) seen.set(event.id, (seen.get(event.id) ?? 0) + 1);
  for (const [id, copies] of seen) if (copies > 1) problems.push(`event ${id} is on the stream ${copies} times`);
  const lifecycle = new Map<string, SlaEvent[]>();
  for (const event of about) {
    if (!LIFECYCLE.has(event.type)) continue;
    const subject = event.subject ?? '';
    lifecycle.set(subject, [...(lifecycle.get(subject) ?? []), event]);
  }
  const breaches = about.filter((event) => event.type === SlaEvents.breached.type);
  const corrections = about.filter((event) => event.type === SlaEvents.clockCorrected.type);
  for (const correction of corrections) problems.push(`${String(correction.data['ticketNumber'])} ${String(correction.data['metric'])}: corrected entry ${String(correction.data['index'])}`);
  const known = new Set(clocks.map((clock) => clock.id));
  for (const [clockId, announced] of lifecycle) {
    if (!known.has(clockId)) problems.push(`${announced.length} lifecycle events about clock ${clockId}, which does not exist`);
  }
  for (const story of stories) {
    const own = clocks.filter((clock) => clock.ticketId === story.created.id).sort((a, b) => a.metric.localeCompare(b.metric));
    const name = story.created.number;
    if (own.map((clock) => clock.metric).join() !== 'resolution,response') problems.push(`${name}: clocks ${own.map((clock) => clock.metric).join() || 'none'}`);
    for (const clock of own) {
      const announced = lifecycle.get(clock.id) ?? [];
      const said = announced.map((event) => entryOf({ ...event.data, action: LIFECYCLE.get(event.type) }));
      const is = clock.history.map(entryOf);
      if (JSON.stringify(said) !== JSON.stringify(is)) problems.push(`${name} ${clock.metric}: announced ${JSON.stringify(said)}, the clock reads ${JSON.stringify(is)}`);
      const lines = is.map((entry) => entryLine(entry.action, entry.at, entry.reason));
      if (lines.join(' | ') !== story.expected[clock.metric].join(' | ')) problems.push(`${name} ${clock.metric}: history ${lines.join(' | ')}; expected ${story.expected[clock.metric].join(' | ')}`);
      const lastState = announced[announced.length - 1]?.data['state'];
      if (lastState !== clock.state) problems.push(`${name} ${clock.metric}: last announced state ${String(lastState)}, the clock is ${clock.state}`);
      const breached = breaches.filter((event) => event.subject === clock.id).length;
      const alerts = clock.alerts.filter((alert) => alert.kind === 'breached').length;
      if (breached !== alerts || breached > 1) problems.push(`${name} ${clock.metric}: ${breached} breach events, ${alerts} breaches noted`);
    }
  }
  return {
    events: about.length,
    lifecycle: [...lifecycle.values()].reduce((sum, announced) => sum + announced.length, 0),
    breaches: breaches.length,
    duplicates: [...seen.values()].reduce((sum, copies) => sum + copies - 1, 0),
    corrections: corrections.length,
    problems,
  };
}

/** The report a correct service gives for `stories`. */
function expectedReport(stories: Story[]): FactReport {
  const lifecycle = stories.reduce((sum, story) => sum + story.expected.response.length + story.expected.resolution.length, 0);
  const breaches = stories.filter((story) => story.late).length;
  return { events: lifecycle + breaches, lifecycle, breaches, duplicates: 0, corrections: 0, problems: [] };
}

describe('sla service killed with ticket events pulled but not acknowledged', () => {
  let database: TestDatabase;
  let nc: NatsConnection;
  let rpc: RpcClient;
  const running: ServiceProcess[] = [];
  const lockers: Client[] = [];

  beforeEach(async () => {
    database = await createTestDatabase();
    nc = await connectTestNats('sla-crash-test');
    await resetStreams(nc);
    rpc = new RpcClient(nc, 10_000);
  });

  afterEach(async () => {
    for (const service of running.splice(0)) await service.kill('SIGKILL');
    for (const locker of lockers.splice(0)) await locker.end().catch(() => undefined);
    await nc.drain();
    await database.drop();
  });

  /** The built sla service as a process of its own, its acknowledgement wait longer than the test waits. */
  async function startSla(env: Record<string, string> = {}): Promise<ServiceProcess> {
    const port = await freePort();
    const service = spawnApp('sla', serviceTestEnv(database, { HEALTH_PORT: String(port), CONSUMER_ACK_WAIT_MS: String(ACK_WAIT_MS), SLA_TIMER_INTERVAL_MS: '200', ...env }));
    running.push(service);
    await waitUntilReady(service, port);
    return service;
  }

  function createPolicy() {
    return rpc.call(
      SlaRpc.createPolicy,
      {
        name: 'Incidents',
        kind: 'sla',
        conditions: { ticketTypes: ['incident'] },
        targets: [
          { metric: 'response', duration: 'PT4H' },
          { metric: 'resolution', duration: 'PT24H', durationByPriority: { P1: 'PT8H' }, pauseStates: ['on_hold'] },
        ],
      },
      { actor: ada },
    );
  }

  /** Publishes one incident event the way the incident service's outbox does. */
  async function publish(step: Story['steps'][number]): Promise<void> {
    const id = randomUUID();
    const envelope: CloudEvent<unknown> = {
      specversion: '1.0',
      id,
      source: 'itsm/incident',
      type: step.event.type,
      subject: step.after.id,
      time: step.after.updatedAt,
      datacontenttype: 'application/json',
      correlationid: id,
      data: payloadOf(step.event, step.before, step.after),
    };
    await nc.jetstream().publish(step.event.subject, JSON.stringify(envelope), { msgID: id });
  }

  /** Every story's events, each story's in order, the stories interleaved (all creations first, then the next steps). */
  async function publishInterleaved(stories: Story[]): Promise<void> {
    const rounds = Math.max(...stories.map((story) => story.steps.length));
    for (let round = 0; round < rounds; round += 1) {
      for (const story of stories) {
        const step = story.steps[round];
        if (step) await publish(step);
      }
    }
  }

  async function consumerInfo() {
    return (await nc.jetstreamManager()).consumers.info(EVENTS_STREAM, CONSUMER);
  }

  /** Holds writes to sla.tickets from a transaction of the test: the consumer's handlers wait inside their own. */
  async function lockTickets(): Promise<Client> {
    const locker = new Client({ connectionString: database.url });
    lockers.push(locker);
    await locker.connect();
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE sla.tickets IN ACCESS EXCLUSIVE MODE');
    return locker;
  }

  async function unlock(locker: Client): Promise<void> {
    await locker.query('ROLLBACK');
    await locker.end();
    lockers.splice(0, lockers.length, ...lockers.filter((held) => held !== locker));
  }

  /** Handlers waiting for the ticket lock inside their transactions (the first write of applying a ticket event). */
  async function handlersWaiting(): Promise<number> {
    const [row] = await database.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE 'INSERT INTO "sla"."tickets"%'`,
    );
    return row?.n ?? 0;
  }

  async function factsApplied(): Promise<number> {
    const [row] = await database.query<{ n: number }>(`SELECT count(*)::int AS n FROM sla.ticket_facts`);
    return row?.n ?? 0;
  }

  /** Resolves once every version of every story is applied and the SLA outbox is on the stream; fails after SETTLE_MS. */
  async function settled(stories: Story[]): Promise<void> {
    await waitFor(
      async () => {
        const rows = await database.query<{ id: string; version: number | null; facts: number }>(
          `SELECT t.id, (t.last_snapshot->>'version')::int AS version, (SELECT count(*)::int FROM sla.ticket_facts f WHERE f.ticket_id = t.id) AS facts FROM sla.tickets t`,
        );
        const applied = new Map(rows.map((row) => [row.id, row]));
        const behind = stories.filter((story) => {
          const row = applied.get(story.created.id);
          return row?.version !== story.last.version || row.facts !== story.steps.length;
        }).length;
        const [outbox] = await database.query<{ n: number }>(`SELECT count(*)::int AS n FROM sla.outbox WHERE sent_at IS NULL`);
        if (behind > 0 || outbox?.n !== 0) throw new Error(`${behind} tickets behind, ${outbox?.n ?? '?'} SLA events unsent`);
        return true;
      },
      { timeoutMs: SETTLE_MS, intervalMs: 100, what: `every ticket event applied within ${SETTLE_MS} ms of the restart (the ack wait is ${ACK_WAIT_MS} ms)` },
    );
  }

  async function slaEvents(): Promise<SlaEvent[]> {
    return (await readEvents(nc, domainEvents('sla'))).map((message) => message.body as SlaEvent);
  }

  async function allClocks(): Promise<ClockView[]> {
    const clocks: ClockView[] = [];
    let cursor: string | undefined;
    for (;;) {
      const page = await rpc.call(SlaRpc.listClocks, { ticketType: 'incident', limit: 200, ...(cursor ? { cursor } : {}) }, { actor: sam });
      clocks.push(...page.items);
      if (page.nextCursor === null) return clocks;
      cursor = page.nextCursor;
    }
  }

  it('a killed sla service with a pulled, unacknowledged batch: the next process applies it in order, each fact announced once, long before the ack wait', async () => {
    const first = await startSla();
    await createPolicy();
    const opened = new Date(NOW - 2 * HOUR);
    const x = answeredAndResolved(opened);
    const others = [1, 2].map((n) => Story.opened(new Date(NOW - HOUR + n * MINUTE)));
    const [created, answered, resolved] = x.steps;

    const locker = await lockTickets();
    for (const step of [created, others[0]?.steps[0], answered, others[1]?.steps[0]]) if (step) await publish(step);
    await waitFor(
      async () => {
        const info = await consumerInfo();
        return info.num_pending === 0 && info.num_ack_pending >= 4 && (await handlersWaiting()) > 0;
      },
      { what: `${CONSUMER} holding the four events unacknowledged, its handler inside its transaction` },
    );
    await expect(factsApplied()).resolves.toBe(0);
    await expect(first.kill('SIGKILL')).resolves.toBeNull();
    await unlock(locker);

    // While no sla process runs the incident is resolved and another one opened: both come after what was held.
    const later = Story.opened(new Date(NOW - 30 * MINUTE));
    for (const step of [resolved, later.steps[0]]) if (step) await publish(step);
    const stories = [x, ...others, later];

    const second = await startSla();
    await settled(stories);

    const events = await slaEvents();
    const clocks = await allClocks();
    const report = checkFacts(events, clocks, stories);
    expect(report).toEqual(expectedReport(stories));

    const ofX = clocks.filter((clock) => clock.ticketId === x.created.id).sort((a, b) => a.metric.localeCompare(b.metric));
    const announced = (clock: ClockView | undefined) => events.filter((event) => event.subject === clock?.id).map((event) => [event.type, event.data['at'], event.data['reason']]);
    expect(ofX.map((clock) => [clock.metric, clock.state, clock.startedAt])).toEqual([
      ['resolution', 'achieved', opened.toISOString()],
      ['response', 'achieved', opened.toISOString()],
    ]);
    expect(announced(ofX[0])).toEqual([
      [SlaEvents.clockStarted.type, opened.toISOString(), 'incident opened'],
      [SlaEvents.achieved.type, resolved?.after.updatedAt, 'ticket resolved'],
    ]);
    expect(announced(ofX[1])).toEqual([
      [SlaEvents.clockStarted.type, opened.toISOString(), 'incident opened'],
      [SlaEvents.achieved.type, answered?.after.updatedAt, 'first response'],
    ]);
    await second.kill('SIGTERM');
  }, 120_000);

  it('SIGKILL during a burst: after the restart every clock fact of 200 incidents is on the stream once and reads as the clocks do', async () => {
    const env = { CONSUMER_CONCURRENCY: '4' };
    const first = await startSla(env);
    await createPolicy();
    const stories = Array.from({ length: 200 }, (_, index) => burstStory(index));
    const total = stories.reduce((sum, story) => sum + story.steps.length, 0);

    // The first events are held until the whole burst is on the stream, so the kill below falls inside it.
    const locker = await lockTickets();
    await publishInterleaved(stories);
    await waitFor(async () => (await handlersWaiting()) > 0 && (await consumerInfo()).num_ack_pending > 0, { what: `${CONSUMER} holding events of the burst` });
    await unlock(locker);
    await waitFor(async () => (await factsApplied()) >= total / 3, { timeoutMs: 15_000, intervalMs: 10, what: 'a third of the burst applied' });
    const atKill = await consumerInfo();
    await expect(first.kill('SIGKILL')).resolves.toBeNull();
    const appliedAtKill = await factsApplied();
    // The kill fell in the middle: events delivered and unacknowledged, events not applied yet.
    expect({ held: atKill.num_ack_pending > 0, unfinished: appliedAtKill < total }).toEqual({ held: true, unfinished: true });

    const second = await startSla(env);
    await settled(stories);

    const report = checkFacts(await slaEvents(), await allClocks(), stories);
    expect(report).toEqual(expectedReport(stories));
    await second.kill('SIGTERM');
  }, 120_000);
});

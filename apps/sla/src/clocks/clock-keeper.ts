import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { ClockAction, type EventDeclaration, type PayloadOf, SlaEvents, type SlaClockChangedV1 } from '@itsm/contracts';
import { factEventId, OutboxWriter } from '@itsm/messaging';
import { BREACH_PERCENT, nextAlertAt, thresholdMs } from '../domain/alerts';
import { type Announcement, announcementsOf, breachFact, type FactKey, removedFact, warningFact } from '../domain/announcements';
import { applySnapshot, type Clock, type ClockRules, type HistoryEntry, isActive, replay, type TicketClocks } from '../domain/clock-engine';
import { phaseOf, type TicketSnapshot } from '../domain/ticket';
import { Calendar } from '../calendars/calendar.entity';
import { CalendarRegistry } from '../calendars/calendar-registry';
import { Policy } from '../policies/policy.entity';
import { PolicyRegistry } from '../policies/policy-registry';
import { ClockAlert } from './clock-alert.entity';
import { clockFromRow, clockIdOf, rowFromClock, stateAfter } from './clock-mapping';
import { ClockRow } from './clock.entity';
import { TicketFact } from './ticket-fact.entity';
import { SlaTicket } from './ticket.entity';

const LIFECYCLE_EVENTS: Record<Exclude<ClockAction, ClockAction.Stopped>, EventDeclaration<string, SlaClockChangedV1>> = {
  [ClockAction.Started]: SlaEvents.clockStarted,
  [ClockAction.Paused]: SlaEvents.clockPaused,
  [ClockAction.Resumed]: SlaEvents.clockResumed,
  [ClockAction.Retargeted]: SlaEvents.clockRetargeted,
  [ClockAction.Canceled]: SlaEvents.clockCanceled,
};

/** The `source` of SLA events, which with the clock id and the fact names each event id. */
const SOURCE = 'itsm/sla';

/**
 * The id of the event announcing `fact` about clock `clockId`: factEventId('itsm/sla', clockId, ...fact), e.g.
 * (C, 'history', k) for history entry k, (C, 'warning', 75), (C, 'breached'), (C, 'removed') for the cancellation
 * of a clock a rebuild dropped, (C, 'history', k, 'corrected', n) for the clock's n-th correction, of entry k. A fact
 * announced again is the same event, which the outbox, JetStream's duplicate window and subscribers' inboxes drop.
 */
export const slaEventId = (clockId: string, fact: FactKey): string => factEventId(SOURCE, clockId, ...fact);

export interface StoredClocks {
  ticket: SlaTicket;
  rows: ClockRow[];
  alerts: ClockAlert[];
}

/**
 * Keeps the clocks of each ticket: applies ticket snapshots as they are consumed, rebuilds a ticket's clocks
 * from its stored snapshots, and writes the result with its lifecycle events and owed alerts. Every write of
 * a ticket's clocks runs under the lock of its ticket row, so replicas take one ticket's events one at a time.
 */
@Injectable()
export class ClockKeeper {
  /** The rules each open transaction read (see {@link rules}); an entry goes with its transaction's manager. */
  private readonly rulesRead = new WeakMap<EntityManager, Promise<ClockRules>>();

  constructor(
    private readonly outbox: OutboxWriter,
    private readonly calendars: CalendarRegistry,
    private readonly policies: PolicyRegistry,
  ) {}

  /**
   * The policies and calendars as of the caller's transaction. Within one transaction they are read once (a
   * consumer applies a batch of events in one): nothing in a transaction that applies events changes them, and a
   * ticket a policy change reached in the meantime is stale, and its replay asks with `fresh`.
   */
  async rules(manager: EntityManager, options: { fresh?: boolean } = {}): Promise<ClockRules> {
    const inTransaction = manager.queryRunner?.isTransactionActive === true;
    const read = inTransaction && !options.fresh ? this.rulesRead.get(manager) : undefined;
    if (read) return read;
    const reading = this.readRules(manager);
    if (inTransaction) this.rulesRead.set(manager, reading);
    return reading;
  }

  /** Which policies are enabled and every calendar, with their versions, in one query; only changed ones are read in full. */
  private async readRules(manager: EntityManager): Promise<ClockRules> {
    const rows: Array<{ kind: 'policy' | 'calendar'; id: string; version: number }> = await manager.query(
      `SELECT 'policy' AS kind, id, version FROM ${manager.connection.getMetadata(Policy).tablePath} WHERE enabled
       UNION ALL SELECT 'calendar' AS kind, id, version FROM ${manager.connection.getMetadata(Calendar).tablePath}`,
    );
    // One after the other: inside a transaction both share one connection.
    const policies = await this.policies.enabled(manager, rows.filter((row) => row.kind === 'policy'));
    const calendar = await this.calendars.snapshot(manager, rows.filter((row) => row.kind === 'calendar'));
    return { policies, calendar };
  }

  /**
   * Applies one version of a ticket. A version seen before is ignored; one older than the last applied (it
   * arrived late) or a ticket whose rules changed makes its clocks be rebuilt from all its versions in order.
   */
  async apply(manager: EntityManager, snapshot: TicketSnapshot, event: { id: string; type: string }): Promise<void> {
    const { ticket, created } = await this.lockTicket(manager, snapshot);
    const inserted = await manager
      .createQueryBuilder()
      .insert()
      .into(TicketFact)
      .values({ ticketId: snapshot.id, version: snapshot.version, eventId: event.id, eventType: event.type, snapshot })
      .orIgnore()
      .execute();
    if ((inserted.raw as unknown[]).length === 0) return;
    // A ticket first heard of has no clocks yet (clocks are only ever written under their ticket's row).
    const stored = created ? { ticket, rows: [], alerts: [] } : await this.load(manager, ticket);
    const rules = await this.rules(manager, { fresh: ticket.stale });
    const late = ticket.last !== null && snapshot.version < ticket.last.version;
    const next = late || ticket.stale ? replay(await this.facts(manager, ticket.id), rules) : applySnapshot({ last: ticket.last, clocks: stored.rows.map(clockFromRow) }, snapshot, rules);
    await this.save(manager, stored, next, rules);
  }

  /** Rebuilds a ticket's clocks from its stored versions; returns what was stored before and the rebuilt state. */
  async rebuild(manager: EntityManager, ticketId: string): Promise<{ before: StoredClocks; after: TicketClocks; facts: number } | null> {
    const ticket = await manager.findOne(SlaTicket, { where: { id: ticketId }, lock: { mode: 'pessimistic_write' } });
    if (!ticket) return null;
    const before = await this.load(manager, ticket);
    const rules = await this.rules(manager);
    const facts = await this.facts(manager, ticketId);
    const after = replay(facts, rules);
    await this.save(manager, before, after, rules);
    return { before, after, facts: facts.length };
  }

  async load(manager: EntityManager, ticket: SlaTicket): Promise<StoredClocks> {
    const rows = await manager.find(ClockRow, { where: { ticketId: ticket.id }, order: { kind: 'ASC', metric: 'ASC', policyId: 'ASC', cycle: 'ASC' }, lock: { mode: 'pessimistic_write' } });
    const alerts = rows.length === 0 ? [] : await manager.find(ClockAlert, { where: rows.map((row) => ({ clockId: row.id })) });
    return { ticket, rows, alerts };
  }

  private async facts(manager: EntityManager, ticketId: string): Promise<TicketSnapshot[]> {
    const facts = await manager.find(TicketFact, { where: { ticketId }, order: { version: 'ASC' } });
    return facts.map((fact) => fact.snapshot);
  }

  /**
   * The ticket's row, locked: inserted by this transaction when the ticket is new (then no one else sees it before
   * the commit, and `created` is true), else read with a row lock.
   */
  private async lockTicket(manager: EntityManager, snapshot: TicketSnapshot): Promise<{ ticket: SlaTicket; created: boolean }> {
    const inserted = await manager
      .createQueryBuilder()
      .insert()
      .into(SlaTicket)
      .values({ id: snapshot.id, type: snapshot.type, number: snapshot.number, last: null, open: true, stale: false })
      .orIgnore()
      .returning(['updatedAt'])
      .execute();
    if ((inserted.raw as unknown[]).length > 0) {
      const ticket = manager.create(SlaTicket, { id: snapshot.id, type: snapshot.type, number: snapshot.number, last: null, open: true, stale: false, updatedAt: (inserted.raw as Array<{ updated_at: Date }>)[0]?.updated_at ?? new Date() });
      return { ticket, created: true };
    }
    return { ticket: await manager.findOneOrFail(SlaTicket, { where: { id: snapshot.id }, lock: { mode: 'pessimistic_write' } }), created: false };
  }

  /**
   * Writes the clocks of `next` over the stored ones: rows upserted (and removed where a rebuild no longer has
   * them), a lifecycle event for each history entry past the stored ones, a `clock_corrected` for each stored
   * (so announced) entry that reads differently or is gone, the breach of a clock that stopped late and was not
   * yet announced, and when each clock owes its next alert. Every event gets the id of its fact (`slaEventId`).
   */
  async save(manager: EntityManager, stored: StoredClocks, next: TicketClocks, rules: ClockRules): Promise<void> {
    const { ticket } = stored;
    const last = next.last;
    if (!last) return;
    const previous = new Map(stored.rows.map((row) => [row.id, row]));
    const sentByClock = new Map<string, Set<number>>();
    for (const alert of stored.alerts) sentByClock.set(alert.clockId, (sentByClock.get(alert.clockId) ?? new Set()).add(alert.thresholdPercent));
    const keep = new Set<string>();
    const rows: Array<QueryDeepPartialEntity<ClockRow>> = [];
    for (const clock of next.clocks) {
      const id = clockIdOf(ticket.id, clock);
      keep.add(id);
      const calendar = rules.calendar(clock.calendarId);
      const sent = sentByClock.get(id) ?? new Set<number>();
      const before = previous.get(id);
      const announcements = announcementsOf(before ? before.history : [], clock.history, before?.corrections ?? 0);
      for (const announcement of announcements) await this.announce(manager, last, id, clock, announcement);
      const corrections = (before?.corrections ?? 0) + announcements.filter((announcement) => announcement.kind === 'correction').length;
      if (clock.status === 'stopped' && clock.elapsedMs > clock.targetMs && !sent.has(BREACH_PERCENT)) {
        const crossed = clock.breachedAt ?? clock.stoppedAt ?? clock.since;
        await this.alert(manager, last, id, clock, BREACH_PERCENT, { at: crossed, due: crossed });
        sent.add(BREACH_PERCENT);
      }
      const row = rowFromClock(last, clock, calendar, nextAlertAt(clock, sent, calendar));
      rows.push({ ...row, history: row.history as unknown as never, corrections });
    }
    // Every clock of the ticket in one statement.
    if (rows.length > 0) await manager.upsert(ClockRow, rows, ['id']);
    // A rebuild under changed policies may no longer have a clock at all: it goes, and if it was still
    // running its subscribers hear that it was canceled.
    const gone = stored.rows.filter((row) => !keep.has(row.id));
    for (const row of gone) {
      const clock = clockFromRow(row);
      if (!isActive(clock)) continue;
      const at = Math.max(last.at, clock.since);
      const elapsedMs = clock.status === 'running' ? clock.elapsedMs + rules.calendar(clock.calendarId).between(clock.since, at) : clock.elapsedMs;
      const canceled: HistoryEntry = { action: ClockAction.Canceled, at, reason: 'the policy no longer applies', elapsedMs, targetMs: clock.targetMs, dueAt: null };
      await this.announceEntry(manager, last, row.id, clock, canceled, slaEventId(row.id, removedFact()));
    }
    if (gone.length > 0) {
      await manager.delete(ClockAlert, gone.map((row) => ({ clockId: row.id })));
      await manager.delete(ClockRow, gone.map((row) => ({ id: row.id })));
    }
    const open = phaseOf(last) === 'open' || next.clocks.some(isActive);
    await manager.update(SlaTicket, { id: ticket.id }, { last: last as unknown as never, number: last.number, open, stale: false });
    ticket.last = last;
  }

  private async announce(manager: EntityManager, ticket: TicketSnapshot, clockId: string, clock: Clock, announcement: Announcement): Promise<void> {
    if (announcement.kind === 'entry') {
      await this.announceEntry(manager, ticket, clockId, clock, announcement.entry, slaEventId(clockId, announcement.fact));
      return;
    }
    const { index, previous, current } = announcement;
    await this.publish(
      manager,
      SlaEvents.clockCorrected,
      {
        ...this.identity(ticket, clockId, clock),
        targetSeconds: Math.floor(clock.targetMs / 1000),
        index,
        correctsEventId: slaEventId(clockId, announcement.corrects),
        previous: { action: previous.action, ...entryFields(previous) },
        current: current === null ? null : { action: current.action, ...entryFields(current) },
      },
      slaEventId(clockId, announcement.fact),
    );
  }

  private async announceEntry(manager: EntityManager, ticket: TicketSnapshot, clockId: string, clock: Clock, entry: HistoryEntry, id: string): Promise<void> {
    const state = stateAfter(entry);
    const event = entry.action === ClockAction.Stopped ? (state === 'breached' ? SlaEvents.clockStopped : SlaEvents.achieved) : LIFECYCLE_EVENTS[entry.action];
    await this.publish(manager, event, { ...this.identity(ticket, clockId, clock), ...entryFields(entry) }, id);
  }

  /**
   * Records a warning or the breach of a clock and publishes it, unless it was recorded before: the key of
   * the alert row is what makes each alert go out exactly once, whichever replica or path gets there first.
   */
  async alert(
    manager: EntityManager,
    ticket: Pick<TicketSnapshot, 'id' | 'number' | 'type'>,
    clockId: string,
    clock: Clock,
    percent: number,
    crossing: { at: number; due: number },
  ): Promise<boolean> {
    const inserted = await manager.createQueryBuilder().insert().into(ClockAlert).values({ clockId, thresholdPercent: percent, dueAt: new Date(crossing.at) }).orIgnore().execute();
    if ((inserted.raw as unknown[]).length === 0) return false;
    const due = crossing.due;
    const payload = {
      ...this.identity(ticket, clockId, clock),
      dueAt: new Date(due).toISOString(),
      elapsedSeconds: Math.floor(thresholdMs(clock, percent) / 1000),
      targetSeconds: Math.max(1, Math.floor(clock.targetMs / 1000)),
    };
    if (percent === BREACH_PERCENT) await this.publish(manager, SlaEvents.breached, payload, slaEventId(clockId, breachFact()));
    else await this.publish(manager, SlaEvents.warning, { ...payload, thresholdPercent: percent }, slaEventId(clockId, warningFact(percent)));
    return true;
  }

  private identity(ticket: Pick<TicketSnapshot, 'id' | 'number' | 'type'>, clockId: string, clock: Clock) {
    return {
      clockId,
      policyId: clock.policyId,
      policyName: clock.policyName,
      kind: clock.kind,
      ticketType: ticket.type,
      ticketId: ticket.id,
      ticketNumber: ticket.number,
      metric: clock.metric,
    };
  }

  private async publish<E extends EventDeclaration>(manager: EntityManager, event: E, data: PayloadOf<E>, id: string): Promise<void> {
    await this.outbox.publish(manager, event, data, { subject: (data as { clockId: string }).clockId, id });
  }
}

/** A history entry as the lifecycle events and corrections carry it. */
function entryFields(entry: HistoryEntry): Pick<SlaClockChangedV1, 'state' | 'at' | 'reason' | 'elapsedSeconds' | 'targetSeconds' | 'dueAt'> {
  return {
    state: stateAfter(entry),
    at: new Date(entry.at).toISOString(),
    reason: entry.reason,
    elapsedSeconds: Math.floor(entry.elapsedMs / 1000),
    targetSeconds: Math.floor(entry.targetMs / 1000),
    dueAt: entry.dueAt === null ? null : new Date(entry.dueAt).toISOString(),
  };
}

import { nameUuid } from '@itsm/persistence';
import {
  ClockAction,
  type ClockAlertView,
  type ClockHistoryEntry,
  ClockState,
  type ClockView,
  type SlaClockChangedV1,
} from '@itsm/contracts';
import { type BusinessTime, type Clock, clockState, dueAt, elapsedAt, type HistoryEntry, isActive } from '../domain/clock-engine';
import type { TicketSnapshot } from '../domain/ticket';
import { BREACH_PERCENT } from '../domain/alerts';
import type { ClockAlert } from './clock-alert.entity';
import type { ClockRow } from './clock.entity';

/** The id of a clock, derived from what identifies it: a rebuild finds the same clock. */
export function clockIdOf(ticketId: string, clock: Pick<Clock, 'policyId' | 'metric' | 'cycle'>): string {
  return nameUuid(`itsm:sla:clock:${ticketId}:${clock.policyId}:${clock.metric}:${clock.cycle}`);
}

const time = (value: Date | null): number | null => (value === null ? null : value.getTime());
const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
const seconds = (ms: number): number => Math.floor(ms / 1000);

export function clockFromRow(row: ClockRow): Clock {
  return {
    policyId: row.policyId,
    policyName: row.policyName,
    kind: row.kind,
    metric: row.metric,
    cycle: row.cycle,
    calendarId: row.calendarId,
    targetMs: row.targetMs,
    warnAt: [...row.warnAt],
    status: row.status,
    elapsedMs: row.elapsedMs,
    since: row.since.getTime(),
    startedAt: row.startedAt.getTime(),
    stoppedAt: time(row.stoppedAt),
    stopReason: row.stopReason,
    breachedAt: time(row.breachedAt),
    history: row.history,
  };
}

/** The row of a clock (without `updatedAt`, and the count of its corrections, which the keeper carries), with the ticket fields reports group by. */
export function rowFromClock(ticket: TicketSnapshot, clock: Clock, calendar: BusinessTime, nextAlertAt: number | null): Omit<ClockRow, 'updatedAt' | 'corrections'> {
  const due = dueAt(clock, calendar);
  return {
    id: clockIdOf(ticket.id, clock),
    ticketId: ticket.id,
    ticketType: ticket.type,
    ticketNumber: ticket.number,
    policyId: clock.policyId,
    policyName: clock.policyName,
    kind: clock.kind,
    metric: clock.metric,
    cycle: clock.cycle,
    calendarId: clock.calendarId,
    targetMs: clock.targetMs,
    warnAt: clock.warnAt,
    status: clock.status,
    elapsedMs: clock.elapsedMs,
    since: new Date(clock.since),
    startedAt: new Date(clock.startedAt),
    stoppedAt: clock.stoppedAt === null ? null : new Date(clock.stoppedAt),
    stopReason: clock.stopReason,
    breachedAt: clock.breachedAt === null ? null : new Date(clock.breachedAt),
    dueAt: due === null ? null : new Date(due),
    history: clock.history,
    nextAlertAt: nextAlertAt === null ? null : new Date(nextAlertAt),
    priority: ticket.priority,
    assignmentGroup: ticket.assignmentGroup,
    serviceId: ticket.serviceId,
  };
}

function historyView(entry: HistoryEntry): ClockHistoryEntry {
  return { action: entry.action, at: new Date(entry.at).toISOString(), reason: entry.reason, elapsedSeconds: seconds(entry.elapsedMs), targetSeconds: seconds(entry.targetMs), dueAt: iso(entry.dueAt) };
}

export function alertView(alert: ClockAlert): ClockAlertView {
  return {
    kind: alert.thresholdPercent === BREACH_PERCENT ? 'breached' : 'warning',
    thresholdPercent: alert.thresholdPercent,
    dueAt: alert.dueAt.toISOString(),
    emittedAt: alert.emittedAt.toISOString(),
  };
}

/** A clock as users see it at `now`: elapsed and remaining time up to the moment. */
export function clockView(row: ClockRow, alerts: readonly ClockAlert[], calendar: BusinessTime, now: number): ClockView {
  const clock = clockFromRow(row);
  const elapsed = elapsedAt(clock, now, calendar);
  const state = clockState(clock, now, calendar);
  return {
    id: row.id,
    ticketType: row.ticketType,
    ticketId: row.ticketId,
    ticketNumber: row.ticketNumber,
    policyId: row.policyId,
    policyName: row.policyName,
    kind: row.kind,
    metric: row.metric,
    cycle: row.cycle,
    calendarId: row.calendarId,
    state,
    active: isActive(clock),
    paused: clock.status === 'paused',
    breached: elapsed > clock.targetMs,
    targetSeconds: seconds(clock.targetMs),
    elapsedSeconds: seconds(elapsed),
    remainingSeconds: Math.ceil((clock.targetMs - elapsed) / 1000),
    startedAt: row.startedAt.toISOString(),
    dueAt: iso(dueAt(clock, calendar)),
    stoppedAt: iso(clock.stoppedAt),
    history: clock.history.map(historyView),
    alerts: [...alerts].sort((a, b) => a.thresholdPercent - b.thresholdPercent).map(alertView),
  };
}

/** The state a history entry leaves the clock in, as the lifecycle events announce it. */
export function stateAfter(entry: HistoryEntry): SlaClockChangedV1['state'] {
  const late = entry.elapsedMs > entry.targetMs;
  switch (entry.action) {
    case ClockAction.Canceled:
      return ClockState.Canceled;
    case ClockAction.Stopped:
      return late ? ClockState.Breached : ClockState.Achieved;
    case ClockAction.Paused:
      return ClockState.Paused;
    default:
      return late ? ClockState.Breached : ClockState.Running;
  }
}

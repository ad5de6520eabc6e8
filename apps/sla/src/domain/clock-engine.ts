import { ClockAction, ClockState, IncidentState, type SlaKind, type SlaMetric } from '@itsm/contracts';
import { BusinessTimeOutOfRangeError } from './business-calendar';
import { inMatchingOrder, type PolicySpec, selectPolicy, type TargetSpec } from './policy';
import { phaseOf, type TicketSnapshot } from './ticket';

/** The two operations of a business calendar the clocks need (epoch ms in, ms out). */
export interface BusinessTime {
  add(startMs: number, durationMs: number): number;
  between(startMs: number, endMs: number): number;
}

export type ClockStatus = 'running' | 'paused' | 'stopped' | 'canceled';

export interface HistoryEntry {
  action: ClockAction;
  at: number;
  reason: string;
  elapsedMs: number;
  targetMs: number;
  /** Due time from then on; null unless running. */
  dueAt: number | null;
}

/**
 * One clock of a ticket for one policy and metric, as of the last ticket change applied. Elapsed time is
 * counted up to `since`; a running clock accrues business time from `since` on.
 */
export interface Clock {
  policyId: string;
  policyName: string;
  kind: SlaKind;
  metric: SlaMetric;
  /** 1 for the first clock of this policy and metric on the ticket, 2 when it started again (an OLA back in its group). */
  cycle: number;
  calendarId: string;
  targetMs: number;
  warnAt: number[];
  status: ClockStatus;
  elapsedMs: number;
  since: number;
  startedAt: number;
  stoppedAt: number | null;
  /** Why a stopped clock stopped: `met` (responded / resolved) or `left` (an OLA whose group no longer has the ticket). */
  stopReason: 'met' | 'left' | null;
  /** When the elapsed time passed the target, as far as the ticket changes applied so far show. */
  breachedAt: number | null;
  history: HistoryEntry[];
}

/** Everything the clocks of a ticket depend on besides its snapshots. */
export interface ClockRules {
  policies: readonly PolicySpec[];
  calendar(id: string): BusinessTime;
}

/** A clock as the rules see it: the state of the ticket's clocks after some snapshots. */
export interface TicketClocks {
  /** The last snapshot applied (null before the first). */
  last: TicketSnapshot | null;
  clocks: Clock[];
}

export const NO_CLOCKS: TicketClocks = { last: null, clocks: [] };

const KINDS: readonly SlaKind[] = ['sla', 'ola'];
const METRICS: readonly SlaMetric[] = ['response', 'resolution'];

export const isActive = (clock: Clock): boolean => clock.status === 'running' || clock.status === 'paused';

/**
 * When `durationMs` of business time has passed since `startMs`; null when it never does: the calendar has no
 * business time for 20 years from there, or its hours run out before the last representable instant.
 */
export function businessTimeReached(calendar: BusinessTime, startMs: number, durationMs: number): number | null {
  try {
    return calendar.add(startMs, durationMs);
  } catch (error) {
    if (error instanceof BusinessTimeOutOfRangeError) return null;
    throw error;
  }
}

/** Due time of a running clock: when it reaches (or reached) its target; null otherwise, or when its calendar never gets there. */
export function dueAt(clock: Clock, calendar: BusinessTime): number | null {
  if (clock.status !== 'running') return null;
  if (clock.elapsedMs >= clock.targetMs) return clock.breachedAt ?? clock.since;
  return businessTimeReached(calendar, clock.since, clock.targetMs - clock.elapsedMs);
}

/** Elapsed business time at `now` (never before the last change applied). */
export function elapsedAt(clock: Clock, now: number, calendar: BusinessTime): number {
  return clock.status === 'running' && now > clock.since ? clock.elapsedMs + calendar.between(clock.since, now) : clock.elapsedMs;
}

/** The state users see at `now`. */
export function clockState(clock: Clock, now: number, calendar: BusinessTime): ClockState {
  if (clock.status === 'canceled') return ClockState.Canceled;
  if (elapsedAt(clock, now, calendar) > clock.targetMs) return ClockState.Breached;
  if (clock.status === 'stopped') return ClockState.Achieved;
  return clock.status === 'paused' ? ClockState.Paused : ClockState.Running;
}

/**
 * Applies the next snapshot of a ticket (a higher version than the last applied) to its clocks. Pure: the
 * same clocks and snapshot give the same result, which is what makes a ticket's clocks recomputable from its
 * events. `snapshot.at` earlier than the last applied change is treated as happening at that change.
 */
export function applySnapshot(state: TicketClocks, snapshot: TicketSnapshot, rules: ClockRules): TicketClocks {
  const t = Math.max(snapshot.at, state.last?.at ?? Number.NEGATIVE_INFINITY);
  const ticket: TicketSnapshot = { ...snapshot, at: t };
  const clocks = state.clocks.map((clock) => (isActive(clock) ? advance({ ...clock, history: [...clock.history] }, t, rules) : clock));
  const phase = phaseOf(ticket);
  if (phase === 'void') {
    for (const clock of clocks.filter(isActive)) cancel(clock, t, `ticket ${ticket.state}`, rules);
    return { last: ticket, clocks };
  }
  const ordered = inMatchingOrder(rules.policies);
  for (const kind of KINDS) {
    for (const metric of METRICS) {
      const selection = selectPolicy(ordered, kind, metric, ticket);
      let clock = clocks.find((candidate) => isActive(candidate) && candidate.kind === kind && candidate.metric === metric);
      if (clock && clock.policyId !== selection?.policy.id) {
        if (kind === 'ola') stop(clock, t, 'left', ticket.assignmentGroup ? `reassigned to ${ticket.assignmentGroup}` : 'unassigned from the group', rules);
        else cancel(clock, t, 'the policy no longer applies', rules);
        clock = undefined;
      }
      if (!selection) continue;
      const targetMs = selection.targetSeconds * 1000;
      if (!clock) {
        const latest = clocks.filter((candidate) => candidate.policyId === selection.policy.id && candidate.metric === metric).at(-1);
        // An OLA whose group gets the ticket back starts a new cycle, whatever the last one's outcome.
        const backInGroup = kind === 'ola' && state.last !== null && state.last.assignmentGroup !== ticket.assignmentGroup;
        if (latest?.status === 'stopped' && latest.stopReason === 'met' && !backInGroup) {
          // A resolution clock met by a resolution runs on when the ticket is reopened; a met response stays met.
          if (metric !== 'resolution' || phase !== 'open') continue;
          clock = latest;
          resume(clock, t, reopenReason(state.last, ticket), rules, { reopen: true });
        } else {
          if (phase !== 'open' || !mayStart(kind, metric, state.last, ticket)) continue;
          clock = start(selection.policy, selection.target, targetMs, (latest?.cycle ?? 0) + 1, t, startReason(state.last, ticket));
          clocks.push(clock);
        }
      }
      if (clock.targetMs !== targetMs || clock.calendarId !== selection.target.calendarId || clock.policyName !== selection.policy.name) {
        retarget(clock, selection.policy.name, selection.target, targetMs, t, ticket, rules);
      }
      clock.warnAt = [...selection.target.warnAt].sort((a, b) => a - b);
      if (isMet(kind, metric, phase, ticket)) {
        stop(clock, t, 'met', metReason(kind, metric, phase, ticket), rules);
      } else {
        const pause = pauses(selection.target, ticket);
        if (pause && clock.status === 'running') transition(clock, 'paused', ClockAction.Paused, t, `state ${describeState(ticket)}`, rules);
        else if (!pause && clock.status === 'paused') resume(clock, t, `state ${describeState(ticket)}`, rules, { reopen: false });
      }
    }
  }
  return { last: ticket, clocks };
}

/** The clocks a ticket's snapshots give, applied in version order (each version once). */
export function replay(snapshots: readonly TicketSnapshot[], rules: ClockRules): TicketClocks {
  const ordered = [...snapshots].sort((a, b) => a.version - b.version);
  let state = NO_CLOCKS;
  for (const snapshot of ordered) {
    if (state.last && snapshot.version <= state.last.version) continue;
    state = applySnapshot(state, snapshot, rules);
  }
  return state;
}

function mayStart(kind: SlaKind, metric: SlaMetric, previous: TicketSnapshot | null, ticket: TicketSnapshot): boolean {
  // A response clock measures the first response: once responded, a later policy change does not start another
  // (it would record a response time of zero). On the ticket's first version it starts and stops at once.
  if (metric === 'response' && kind === 'sla') return previous === null || !ticket.responded;
  if (metric === 'response' && kind === 'ola') return previous === null || previous.assignmentGroup !== ticket.assignmentGroup || ticket.assigneeId === null;
  return true;
}

function isMet(kind: SlaKind, metric: SlaMetric, phase: 'open' | 'resolved', ticket: TicketSnapshot): boolean {
  if (phase === 'resolved') return true;
  if (metric === 'resolution') return false;
  return kind === 'ola' ? ticket.assigneeId !== null : ticket.responded;
}

function metReason(kind: SlaKind, metric: SlaMetric, phase: 'open' | 'resolved', ticket: TicketSnapshot): string {
  if (phase === 'resolved') return `ticket ${ticket.state}`;
  if (kind === 'ola') return `assigned to ${ticket.assigneeId ?? ''}`;
  return metric === 'response' ? 'first response' : `ticket ${ticket.state}`;
}

function pauses(target: TargetSpec, ticket: TicketSnapshot): boolean {
  if (!target.pauseStates.includes(ticket.state)) return false;
  if (ticket.state !== IncidentState.OnHold || target.pauseHoldReasons.length === 0) return true;
  return ticket.holdReason !== null && target.pauseHoldReasons.includes(ticket.holdReason);
}

function describeState(ticket: TicketSnapshot): string {
  return ticket.holdReason && ticket.state === IncidentState.OnHold ? `${ticket.state} (${ticket.holdReason})` : ticket.state;
}

function startReason(previous: TicketSnapshot | null, ticket: TicketSnapshot): string {
  if (previous === null) return `${ticket.type} opened`;
  if (previous.assignmentGroup !== ticket.assignmentGroup && ticket.assignmentGroup) return `assigned to ${ticket.assignmentGroup}`;
  return 'policy applies';
}

function reopenReason(previous: TicketSnapshot | null, ticket: TicketSnapshot): string {
  return `reopened (${previous?.state ?? 'resolved'} → ${ticket.state})`;
}

function start(policy: PolicySpec, target: TargetSpec, targetMs: number, cycle: number, t: number, reason: string): Clock {
  const clock: Clock = {
    policyId: policy.id,
    policyName: policy.name,
    kind: policy.kind,
    metric: target.metric,
    cycle,
    calendarId: target.calendarId,
    targetMs,
    warnAt: [...target.warnAt].sort((a, b) => a - b),
    status: 'running',
    elapsedMs: 0,
    since: t,
    startedAt: t,
    stoppedAt: null,
    stopReason: null,
    breachedAt: null,
    history: [],
  };
  clock.history.push({ action: ClockAction.Started, at: t, reason, elapsedMs: 0, targetMs, dueAt: null });
  return clock;
}

/** Brings a running clock's elapsed time up to `t`, noting when it passed its target. */
function advance(clock: Clock, t: number, rules: ClockRules): Clock {
  if (clock.status !== 'running' || t <= clock.since) return clock;
  const calendar = rules.calendar(clock.calendarId);
  const elapsed = clock.elapsedMs + calendar.between(clock.since, t);
  if (clock.breachedAt === null && elapsed > clock.targetMs) clock.breachedAt = calendar.add(clock.since, clock.targetMs - clock.elapsedMs);
  clock.elapsedMs = elapsed;
  clock.since = t;
  return clock;
}

function note(clock: Clock, action: ClockAction, t: number, reason: string, rules: ClockRules): void {
  clock.history.push({ action, at: t, reason, elapsedMs: clock.elapsedMs, targetMs: clock.targetMs, dueAt: dueAt(clock, rules.calendar(clock.calendarId)) });
}

function transition(clock: Clock, status: ClockStatus, action: ClockAction, t: number, reason: string, rules: ClockRules): void {
  clock.status = status;
  clock.since = t;
  note(clock, action, t, reason, rules);
}

function resume(clock: Clock, t: number, reason: string, rules: ClockRules, options: { reopen: boolean }): void {
  if (options.reopen) {
    clock.stoppedAt = null;
    clock.stopReason = null;
  }
  transition(clock, 'running', ClockAction.Resumed, t, reason, rules);
}

function stop(clock: Clock, t: number, why: 'met' | 'left', reason: string, rules: ClockRules): void {
  clock.stoppedAt = t;
  clock.stopReason = why;
  transition(clock, 'stopped', ClockAction.Stopped, t, reason, rules);
}

function cancel(clock: Clock, t: number, reason: string, rules: ClockRules): void {
  clock.stoppedAt = t;
  transition(clock, 'canceled', ClockAction.Canceled, t, reason, rules);
}

function retarget(clock: Clock, policyName: string, target: TargetSpec, targetMs: number, t: number, ticket: TicketSnapshot, rules: ClockRules): void {
  const reason = clock.targetMs !== targetMs && ticket.priority ? `priority ${ticket.priority}` : 'policy changed';
  clock.policyName = policyName;
  clock.calendarId = target.calendarId;
  clock.targetMs = targetMs;
  // The breach moment follows the target: a longer target can take a breach back, a shorter one cause it now.
  clock.breachedAt = clock.elapsedMs > targetMs ? (clock.breachedAt ?? t) : null;
  note(clock, ClockAction.Retargeted, t, reason, rules);
}

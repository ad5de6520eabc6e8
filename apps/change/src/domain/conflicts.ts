import { BlackoutScope, ChangeApprovalState, ChangeState, ConflictKind } from '@itsm/contracts';
import { contains, type Interval, overlaps } from './windows';

/**
 * The schedule check: what stands in the way of a change's planned window. Other changes that overlap it in time and
 * share a CI (directly or through either one's impact set), blackout occurrences that cover its CIs, and maintenance
 * windows of its CIs that do not hold the whole window. Windows are half-open [start, end): one ending at 10:00 and
 * one starting at 10:00 do not overlap.
 */

/** The change being checked. */
export interface ConflictCandidate {
  id: string;
  ciIds: readonly string[];
  /** The CIs upstream and downstream of its CIs (the impact set stored when its risk was assessed). */
  impactCiIds: readonly string[];
  window: Interval;
}

/** Another change, as far as the check needs it. */
export interface ScheduledChange {
  id: string;
  number: string;
  state: ChangeState;
  /** Where its approval stands; a change in authorize takes its slot only once approved. */
  approvalState?: ChangeApprovalState | null;
  ciIds: readonly string[];
  impactCiIds: readonly string[];
  window: Interval;
}

/** A blackout with its occurrences expanded (by `occurrences` of windows.ts) over at least the candidate's window. */
export interface BlackoutOccurrences {
  id: string;
  name: string;
  scope: BlackoutScope;
  /** Services (scope service) or CIs (scope ci) it freezes; ignored for global. */
  targetIds: readonly string[];
  occurrences: readonly Interval[];
}

/**
 * A maintenance window with its occurrences expanded over at least the candidate's window: an occurrence that holds
 * the whole window overlaps it, so expanding over the window finds it.
 */
export interface MaintenanceOccurrences {
  id: string;
  name: string;
  ciIds: readonly string[];
  occurrences: readonly Interval[];
}

/** One thing in the way, shaped as the contracts' ChangeConflict (instants as Dates). */
export interface ScheduleConflict {
  kind: ConflictKind;
  /** The other change, blackout or maintenance window. */
  id: string;
  /** The other change's number, or the window's name. */
  name: string;
  from: Date;
  to: Date;
  /** The candidate's CIs (or impact CIs) the conflict is about; every CI of the candidate for a global blackout. */
  ciIds: string[];
  detail: string;
}

/** The states in which a change holds its window against others. */
export function holdsWindow(change: Pick<ScheduledChange, 'state' | 'approvalState'>): boolean {
  if (change.state === ChangeState.Scheduled || change.state === ChangeState.Implement) return true;
  return change.state === ChangeState.Authorize && change.approvalState === ChangeApprovalState.Approved;
}

/**
 * The CIs two changes share: a CI both touch, a CI one touches that is in the other's impact set. Symmetric: the same
 * set whichever change is first. Sorted.
 */
export function sharedCis(a: Pick<ConflictCandidate, 'ciIds' | 'impactCiIds'>, b: Pick<ConflictCandidate, 'ciIds' | 'impactCiIds'>): string[] {
  const shared = new Set<string>();
  const aImpact = new Set(a.impactCiIds);
  const bCis = new Set(b.ciIds);
  const bImpact = new Set(b.impactCiIds);
  for (const ci of a.ciIds) if (bCis.has(ci) || bImpact.has(ci)) shared.add(ci);
  for (const ci of b.ciIds) if (aImpact.has(ci)) shared.add(ci);
  return [...shared].sort();
}

/**
 * Everything in the way of the candidate's window, in this order: changes (by number), blackouts, maintenance
 * windows, each by start. The candidate itself and changes that do not hold their window ({@link holdsWindow}) are
 * passed over. With `now`, what has ended by then (another change's window, a blackout occurrence) is past and no
 * longer a conflict.
 */
export function findConflicts(
  candidate: ConflictCandidate,
  others: readonly ScheduledChange[],
  blackouts: readonly BlackoutOccurrences[],
  maintenance: readonly MaintenanceOccurrences[],
  now?: Date,
): ScheduleConflict[] {
  const current = (interval: Interval): boolean => now === undefined || interval.end.getTime() > now.getTime();
  const window = candidate.window;
  const changeConflicts: ScheduleConflict[] = [];
  for (const other of others) {
    if (other.id === candidate.id || !holdsWindow(other) || !overlaps(window, other.window) || !current(other.window)) continue;
    const ciIds = sharedCis(candidate, other);
    if (ciIds.length === 0) continue;
    changeConflicts.push({
      kind: ConflictKind.Change,
      id: other.id,
      name: other.number,
      from: other.window.start,
      to: other.window.end,
      ciIds,
      detail: `${other.number} (${other.state}) is planned from ${other.window.start.toISOString()} to ${other.window.end.toISOString()} on ${ciIds.length === 1 ? 'a CI' : 'CIs'} this change touches or impacts`,
    });
  }
  changeConflicts.sort((a, b) => a.name.localeCompare(b.name) || a.from.getTime() - b.from.getTime());

  const blackoutConflicts: ScheduleConflict[] = [];
  for (const blackout of blackouts) {
    const ciIds = blackoutCis(candidate, blackout);
    if (ciIds === null) continue;
    for (const occurrence of blackout.occurrences) {
      if (!overlaps(window, occurrence) || !current(occurrence)) continue;
      blackoutConflicts.push({
        kind: ConflictKind.Blackout,
        id: blackout.id,
        name: blackout.name,
        from: occurrence.start,
        to: occurrence.end,
        ciIds,
        detail: `Blackout "${blackout.name}" (${blackout.scope}) is in force from ${occurrence.start.toISOString()} to ${occurrence.end.toISOString()}`,
      });
    }
  }
  blackoutConflicts.sort((a, b) => a.from.getTime() - b.from.getTime() || a.name.localeCompare(b.name));

  const maintenanceConflicts: ScheduleConflict[] = [];
  for (const definition of maintenance) {
    const targets = new Set(definition.ciIds);
    const ciIds = [...new Set(candidate.ciIds.filter((ci) => targets.has(ci)))].sort();
    if (ciIds.length === 0) continue;
    if (definition.occurrences.some((occurrence) => contains(occurrence, window))) continue;
    maintenanceConflicts.push({
      kind: ConflictKind.Maintenance,
      id: definition.id,
      name: definition.name,
      from: window.start,
      to: window.end,
      ciIds,
      detail: `The planned window ${window.start.toISOString()} – ${window.end.toISOString()} does not lie inside one occurrence of maintenance window "${definition.name}" of its CIs`,
    });
  }
  maintenanceConflicts.sort((a, b) => a.name.localeCompare(b.name));

  return [...changeConflicts, ...blackoutConflicts, ...maintenanceConflicts];
}

/** The candidate's CIs a blackout covers, or null when it covers none of them. */
function blackoutCis(candidate: ConflictCandidate, blackout: BlackoutOccurrences): string[] | null {
  const targets = new Set(blackout.targetIds);
  let covered: string[];
  switch (blackout.scope) {
    case BlackoutScope.Global:
      return [...new Set(candidate.ciIds)].sort();
    case BlackoutScope.Ci:
      covered = candidate.ciIds.filter((ci) => targets.has(ci));
      break;
    case BlackoutScope.Service:
      // A business service is a CI: the change touches it, or has it in its impact set.
      covered = [...candidate.ciIds, ...candidate.impactCiIds].filter((ci) => targets.has(ci));
      break;
    default:
      return null;
  }
  return covered.length === 0 ? null : [...new Set(covered)].sort();
}

import { type BusinessTime, businessTimeReached, type Clock } from './clock-engine';

/** The breach is the alert at 100 % of the target. */
export const BREACH_PERCENT = 100;

export interface Alert {
  thresholdPercent: number;
  /** When the clock reaches the threshold (epoch ms); in the past when it already has. */
  at: number;
  /** Business time elapsed at that moment. */
  elapsedMs: number;
}

/** Business time a threshold stands for; the breach is the target itself (elapsed beyond it is a breach). */
export function thresholdMs(clock: Pick<Clock, 'targetMs'>, percent: number): number {
  return percent === BREACH_PERCENT ? clock.targetMs : Math.floor((clock.targetMs * percent) / 100);
}

/**
 * The warnings and the breach a clock still owes, with the moment each falls due, earliest first. Only a
 * running clock owes alerts: a paused one resumes before it can pass another threshold, and a stopped one
 * is settled (a late stop is announced as a breach by whoever stops it). A threshold its calendar never reaches
 * (no business time for 20 years) is not owed until a change of the calendar has the clocks rebuilt.
 */
export function pendingAlerts(clock: Clock, sent: ReadonlySet<number>, calendar: BusinessTime): Alert[] {
  if (clock.status !== 'running') return [];
  const alerts: Alert[] = [];
  for (const percent of [...clock.warnAt, BREACH_PERCENT]) {
    if (sent.has(percent)) continue;
    const needed = thresholdMs(clock, percent);
    if (percent === BREACH_PERCENT && clock.breachedAt !== null) {
      alerts.push({ thresholdPercent: percent, at: clock.breachedAt, elapsedMs: needed });
      continue;
    }
    const at = needed <= clock.elapsedMs ? clock.since : businessTimeReached(calendar, clock.since, needed - clock.elapsedMs);
    if (at === null) continue;
    alerts.push({ thresholdPercent: percent, at, elapsedMs: needed });
  }
  return alerts.sort((a, b) => a.at - b.at || a.thresholdPercent - b.thresholdPercent);
}

/** When the scheduler must look at the clock next; null when it owes nothing. */
export function nextAlertAt(clock: Clock, sent: ReadonlySet<number>, calendar: BusinessTime): number | null {
  return pendingAlerts(clock, sent, calendar)[0]?.at ?? null;
}

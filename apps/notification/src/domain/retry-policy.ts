/** When to try a delivery again, after the schedule Standard Webhooks senders (Svix) use. */

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** Delays before attempt 2, 3, … (ms): 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h → 8 attempts over about 27 h. */
export const DEFAULT_RETRY_SCHEDULE_MS: readonly number[] = Object.freeze([5 * SECOND, 5 * MINUTE, 30 * MINUTE, 2 * HOUR, 5 * HOUR, 10 * HOUR, 10 * HOUR]);

/** Share of the scheduled delay the jitter may add or take, so receivers that failed together are not retried together. */
export const RETRY_JITTER = 0.2;

/** A receiver asking for more time than this gets this: a longer wait would outlive the whole schedule. */
export const MAX_RETRY_AFTER_MS = 24 * HOUR;

/** "5000,300000,…" → delays in ms. Throws an Error naming the bad entry on empty, negative or non-integer input. */
export function parseRetrySchedule(spec: string): number[] {
  if (spec.trim() === '') throw new Error('retry schedule is empty: list the delays before each retry in milliseconds, e.g. "5000,300000"');
  return spec.split(',').map((entry, index) => {
    const value = entry.trim();
    if (!/^\d+$/.test(value)) {
      throw new Error(`retry schedule entry ${index + 1} ("${value}") is not a whole, non-negative number of milliseconds`);
    }
    const delay = Number(value);
    if (!Number.isSafeInteger(delay)) throw new Error(`retry schedule entry ${index + 1} ("${value}") is too large`);
    return delay;
  });
}

export type AttemptOutcome = { kind: 'response'; status: number; retryAfter?: string | null } | { kind: 'timeout' } | { kind: 'network'; error: string };

/** `delivered` for 2xx; `retry` for timeouts, network errors, 408, 429 and 5xx; `fail` for every other status (3xx included: redirects are not followed). */
export function classify(outcome: AttemptOutcome): 'delivered' | 'retry' | 'fail' {
  if (outcome.kind !== 'response') return 'retry';
  const { status } = outcome;
  if (status >= 200 && status <= 299) return 'delivered';
  if (status === 408 || status === 429 || (status >= 500 && status <= 599)) return 'retry';
  return 'fail';
}

/** Statuses whose `Retry-After` says when the receiver can take the message (RFC 9110 §10.2.3). */
const RETRY_AFTER_STATUSES: ReadonlySet<number> = new Set([429, 503]);

/**
 * Delay before the next attempt after `attempt` (1-based) failed with a retryable outcome, or null when the
 * schedule is used up (or the outcome is not one to retry). Jitter: ±20 % of the scheduled delay from `random()`
 * (0..1). A `Retry-After` on 429/503 is honoured when it is longer, capped at 24 h.
 */
export function nextAttemptDelay(attempt: number, outcome: AttemptOutcome, schedule: readonly number[], now: number, random: () => number): number | null {
  if (!Number.isInteger(attempt) || attempt < 1) throw new RangeError(`attempt must be a whole number from 1, got ${attempt}`);
  if (classify(outcome) !== 'retry') return null;
  const scheduled = schedule[attempt - 1];
  if (scheduled === undefined) return null;
  const drawn = random();
  const spread = (Number.isFinite(drawn) ? Math.min(Math.max(drawn, 0), 1) : 0.5) * 2 - 1;
  const jittered = Math.max(0, Math.round(scheduled * (1 + RETRY_JITTER * spread)));
  if (outcome.kind !== 'response' || !RETRY_AFTER_STATUSES.has(outcome.status)) return jittered;
  const asked = parseRetryAfter(outcome.retryAfter, now);
  return asked === null ? jittered : Math.max(jittered, Math.min(asked, MAX_RETRY_AFTER_MS));
}

// RFC 9110 §5.6.7: the preferred IMF-fixdate and the two obsolete forms a recipient must still accept.
const IMF_FIXDATE = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;
const RFC_850 = /^(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), \d{2}-(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)-\d{2} \d{2}:\d{2}:\d{2} GMT$/;
const ASCTIME = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) ( \d|\d{2}) \d{2}:\d{2}:\d{2} \d{4}$/;

/**
 * Milliseconds a `Retry-After` value (delay-seconds or an HTTP date, relative to `now`) asks to wait; 0 for a date
 * in the past, null when absent or unreadable.
 */
export function parseRetryAfter(value: string | null | undefined, now: number): number | null {
  if (value === null || value === undefined) return null;
  const text = value.trim();
  if (/^\d+$/.test(text)) {
    const ms = Number(text) * SECOND;
    return Number.isSafeInteger(ms) ? ms : Number.MAX_SAFE_INTEGER;
  }
  if (!IMF_FIXDATE.test(text) && !RFC_850.test(text) && !ASCTIME.test(text)) return null;
  // Date.parse reads the three forms in UTC (asctime has no zone, and RFC 9110 says it is UTC).
  const at = Date.parse(ASCTIME.test(text) ? `${text} GMT` : text);
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - now);
}

/**
 * A checker in the style of Jepsen's queue checkers. A workload attempts operations; each operation, when it
 * happens, has effects that can be observed afterwards through one channel or another (a row, an event seen by an
 * independent subscriber, a consumer's inbox row). Given every attempted operation with what its client learned,
 * and everything observed in one channel, each operation is classified:
 *
 * - `ok`: acknowledged (2xx) and observed once; or not known to have happened (no answer, 5xx) and observed at
 *   most once; or refused (4xx) and not observed;
 * - `lost`: acknowledged, and not observed;
 * - `duplicated`: observed more than once, as distinct effects (two rows, two events with different ids). The same
 *   effect seen again (one event id delivered twice) is a redelivery, which at-least-once delivery allows and the
 *   consumers' inboxes absorb: counted, not a failure;
 * - `unexpected`: refused and yet observed; and every observation that belongs to no attempted operation.
 */

/** What the client of an operation learned. */
export type Outcome =
  /** A 2xx answer: the operation happened and must be durable. */
  | 'acknowledged'
  /** A 4xx answer: the operation did not happen. */
  | 'refused'
  /** No answer, or 5xx (503/504 included): it may or may not have happened. */
  | 'indeterminate';

export interface Attempt {
  /** What identifies the operation's effect in every channel, e.g. `create:<token>`. */
  key: string;
  outcome: Outcome;
}

export interface Observation {
  /** The key of the operation it is an effect of. */
  key: string;
  /** The identity of this effect (row id, event id): the same id twice is one effect seen twice. */
  id: string;
}

export interface CheckResult {
  attempts: number;
  ok: number;
  lost: number;
  duplicated: number;
  unexpected: number;
  /** Indeterminate operations that turned out to have happened (their effect was observed once). */
  indeterminateApplied: number;
  /** Observations of an effect already seen (same key, same id). */
  redelivered: number;
  /** A few keys of each failing class, for the failure message. */
  examples: { lost: string[]; duplicated: string[]; unexpected: string[] };
}

const EXAMPLES = 5;

export function check(attempts: readonly Attempt[], observations: readonly Observation[]): CheckResult {
  const seen = new Map<string, Set<string>>();
  let redelivered = 0;
  for (const { key, id } of observations) {
    const ids = seen.get(key) ?? new Set<string>();
    if (ids.has(id)) redelivered += 1;
    ids.add(id);
    seen.set(key, ids);
  }
  const result: CheckResult = { attempts: attempts.length, ok: 0, lost: 0, duplicated: 0, unexpected: 0, indeterminateApplied: 0, redelivered, examples: { lost: [], duplicated: [], unexpected: [] } };
  const note = (kind: 'lost' | 'duplicated' | 'unexpected', key: string) => {
    result[kind] += 1;
    if (result.examples[kind].length < EXAMPLES) result.examples[kind].push(key);
  };
  // Two attempts with one key are one operation retried: what its client learned is the most it learned.
  const outcomes = new Map<string, Outcome>();
  const rank: Record<Outcome, number> = { refused: 0, indeterminate: 1, acknowledged: 2 };
  for (const { key, outcome } of attempts) {
    const before = outcomes.get(key);
    if (!before || rank[outcome] > rank[before]) outcomes.set(key, outcome);
  }
  result.attempts = outcomes.size;
  for (const [key, outcome] of outcomes) {
    const effects = seen.get(key)?.size ?? 0;
    if (effects > 1) note('duplicated', key);
    else if (outcome === 'acknowledged') {
      if (effects === 1) result.ok += 1;
      else note('lost', key);
    } else if (outcome === 'indeterminate') {
      result.ok += 1;
      if (effects === 1) result.indeterminateApplied += 1;
    } else if (effects === 0) result.ok += 1;
    else note('unexpected', key);
  }
  for (const key of seen.keys()) if (!outcomes.has(key)) note('unexpected', key);
  return result;
}

/** The sum of several checks (channels, runs). */
export function combine(results: readonly CheckResult[]): CheckResult {
  const total: CheckResult = { attempts: 0, ok: 0, lost: 0, duplicated: 0, unexpected: 0, indeterminateApplied: 0, redelivered: 0, examples: { lost: [], duplicated: [], unexpected: [] } };
  for (const result of results) {
    for (const field of ['attempts', 'ok', 'lost', 'duplicated', 'unexpected', 'indeterminateApplied', 'redelivered'] as const) total[field] += result[field];
    for (const kind of ['lost', 'duplicated', 'unexpected'] as const) total.examples[kind] = [...total.examples[kind], ...result.examples[kind]].slice(0, EXAMPLES);
  }
  return total;
}

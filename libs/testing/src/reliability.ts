/**
 * Results of the reliability suite (faults, bad input, abuse), collected across jest workers and test files into one
 * JSON-lines file that `npm run test:chaos` turns into docs/reliability.md (tools/reliability-report.ts).
 */
import { appendFileSync } from 'node:fs';

export type ReliabilityGroup = 'fault' | 'input' | 'abuse';

export interface ReliabilityRow {
  group: ReliabilityGroup;
  /** The fault or input class, e.g. `SIGKILL incident` or `huge strings`. */
  name: string;
  /** Times the fault was injected, or generated requests of the class per operation. */
  runs: number;
  /** Operations (requests, messages) the counts below are over. */
  operations: number;
  ok: number;
  lost: number;
  duplicated: number;
  unexpected: number;
  /** Requests answered 503/504 while the fault lasted, and the slowest of those answers (ms). */
  failedFast?: number;
  slowestFailureMs?: number;
  /** From the end of the run's work until every outbox was published and every consumer idle (ms). */
  recoveryMs?: number;
  notes?: string;
}

/** Where rows go: set by `npm run test:chaos`; unset (rows dropped) in `npm test`. */
export const RELIABILITY_RESULTS_ENV = 'ITSM_RELIABILITY_RESULTS';

/** Records one row of the reliability report (a no-op unless the report is being collected). */
export function recordReliability(row: ReliabilityRow): void {
  const file = process.env[RELIABILITY_RESULTS_ENV];
  if (file) appendFileSync(file, `${JSON.stringify({ ...row, at: new Date().toISOString() })}\n`);
}

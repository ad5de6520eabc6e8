import { type AttemptOutcome, classify } from '../domain/retry-policy';

/** What one attempt came to, for the log and for the retry decision. */
export interface AttemptResult {
  decision: 'delivered' | 'retry' | 'fail';
  /** HTTP status, or SMTP reply code; null without an answer. */
  statusCode: number | null;
  error: string | null;
  latencyMs: number;
  /** For the retry delay (`Retry-After`, timeouts). */
  outcome: AttemptOutcome;
}

export function webhookResult(outcome: AttemptOutcome, latencyMs: number, timeoutMs: number): AttemptResult {
  const decision = classify(outcome);
  if (outcome.kind === 'response') {
    return { decision, statusCode: outcome.status, error: decision === 'delivered' ? null : `HTTP ${outcome.status}`, latencyMs, outcome };
  }
  return { decision, statusCode: null, error: outcome.kind === 'timeout' ? `timed out after ${timeoutMs} ms` : outcome.error, latencyMs, outcome };
}

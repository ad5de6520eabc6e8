import { type AttemptOutcome, classify } from '../domain/retry-policy';

/** What one attempt came to, for the log and for the retry decision. */
export interface AttemptResult {
  /** `wait`: nothing could be sent and nothing is scheduled; the message waits until its channel is configured. */
  decision: 'delivered' | 'retry' | 'fail' | 'wait';
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

/** What a replayed email comes to while SMTP_HOST is unset: it waits, pending, and goes once a mail server is configured. */
export function waitingForSmtp(): AttemptResult {
  const error = 'waiting for SMTP: SMTP_HOST is not configured';
  return { decision: 'wait', statusCode: null, error, latencyMs: 0, outcome: { kind: 'network', error } };
}

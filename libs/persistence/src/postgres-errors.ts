/** SQLSTATE codes the services turn into domain errors instead of 500s. */
export const PgErrorCode = {
  uniqueViolation: '23505',
  foreignKeyViolation: '23503',
  checkViolation: '23514',
  notNullViolation: '23502',
  serializationFailure: '40001',
  deadlockDetected: '40P01',
} as const;

export function pgErrorCode(error: unknown): string | undefined {
  const candidate = error as { code?: unknown; driverError?: { code?: unknown } } | null;
  const code = candidate?.driverError?.code ?? candidate?.code;
  return typeof code === 'string' ? code : undefined;
}

const TRANSIENT_NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
const TRANSIENT_MESSAGES = [/Connection terminated/i, /timeout exceeded when trying to connect/i, /Driver not Connected/i, /Client has encountered a connection error/i];

/**
 * True for failures that say nothing about the work itself and go away on their own: the database is
 * unreachable, restarting or overloaded, or the transaction lost a serialization race or a deadlock. Such work
 * is retried, never dead-lettered or reported as a bug.
 */
export function isTransientDatabaseError(error: unknown): boolean {
  const code = pgErrorCode(error);
  if (code) {
    if (code.startsWith('08')) return true; // connection exception
    if (['57P01', '57P02', '57P03', '53300', '53400', PgErrorCode.serializationFailure, PgErrorCode.deadlockDetected].includes(code)) return true;
    if (TRANSIENT_NODE_CODES.has(code)) return true;
  }
  const message = error instanceof Error ? error.message : String(error);
  return TRANSIENT_MESSAGES.some((pattern) => pattern.test(message));
}

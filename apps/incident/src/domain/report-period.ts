import { CommonError, CommonErrorCode, MAX_SERVICE_DESK_REPORT_DAYS, type ReportInterval } from '@itsm/contracts';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface ReportRange {
  from: Date;
  to: Date;
}

export interface ReportBucket {
  start: Date;
  end: Date;
}

function periodProblem(message: string): CommonError {
  return new CommonError(CommonErrorCode.InvalidRequest, `the period ${message}`, { errors: [{ field: 'to', message }] });
}

/** The period asked for, refused (naming `to`) when empty or longer than a report may cover. */
export function reportRange(query: { from: string; to: string }): ReportRange {
  const from = new Date(query.from);
  const to = new Date(query.to);
  if (to <= from) throw periodProblem('must end after from');
  if (to.getTime() - from.getTime() > MAX_SERVICE_DESK_REPORT_DAYS * DAY_MS) throw periodProblem(`must be at most ${MAX_SERVICE_DESK_REPORT_DAYS} days long`);
  return { from, to };
}

/** `from` moved on by `months` calendar months in UTC, the day of the month kept where the month has it, else its last day. */
function addMonths(from: Date, months: number): Date {
  const year = from.getUTCFullYear();
  const month = from.getUTCMonth() + months;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return new Date(Date.UTC(year, month, Math.min(from.getUTCDate(), lastDay), from.getUTCHours(), from.getUTCMinutes(), from.getUTCSeconds(), from.getUTCMilliseconds()));
}

/**
 * The buckets of a series: the first starts at `from`, each is one step long (a day, 7 days or a calendar month,
 * counted from `from` in UTC so that no daylight-saving change makes a day 23 hours), and the last is cut at `to`.
 * Each boundary is computed from `from` rather than from the previous one, so month ends do not drift.
 */
export function reportBuckets({ from, to }: ReportRange, interval: ReportInterval): ReportBucket[] {
  const boundary = (step: number): Date => {
    if (interval === 'month') return addMonths(from, step);
    return new Date(from.getTime() + step * (interval === 'week' ? 7 : 1) * DAY_MS);
  };
  const buckets: ReportBucket[] = [];
  for (let step = 0; ; step += 1) {
    const start = boundary(step);
    if (start >= to) return buckets;
    const next = boundary(step + 1);
    buckets.push({ start, end: next < to ? next : to });
  }
}

/** Two decimals, or null for no value (an average of nothing). */
export function twoDecimals(value: string | number | null | undefined): number | null {
  return value === null || value === undefined ? null : Math.round(Number(value) * 100) / 100;
}

/** `part / whole` in percent with one decimal; null when there is no whole to take a share of. */
export function percentOf(part: number, whole: number): number | null {
  return whole === 0 ? null : Math.round((part / whole) * 1000) / 10;
}

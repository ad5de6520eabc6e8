/** Reports as CSV (RFC 4180), and which of JSON and CSV a caller's `Accept` asks for. */

export const CSV_MEDIA_TYPE = 'text/csv';
/** What a report answers as CSV: always UTF-8, said in the header so spreadsheets need not guess. */
export const CSV_UTF8 = `${CSV_MEDIA_TYPE}; charset=utf-8`;
export const REPORT_JSON_MEDIA_TYPE = 'application/json';

/** The formats of a report, in order of preference when the caller likes both as much. */
export type ReportFormat = 'json' | 'csv';

/** A cell's first character that a spreadsheet may read as the start of a formula (or of one after a control character). */
const FORMULA_START = /^[=+\-@\t\r]/;
/** A cell holding any of these is quoted (RFC 4180 §2.6). */
const NEEDS_QUOTES = /[",\r\n]/;

/**
 * One field of a CSV record. Text starting like a formula gets a leading `'`, so that a spreadsheet shows it as text
 * instead of running it (OWASP "CSV injection"); numbers are written as they are (a negative one is a number, not a
 * formula). Empty for null; a list of values is one cell, separated by spaces; anything else nested is its JSON.
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (Array.isArray(value) && value.every((item) => item === null || ['string', 'number', 'boolean'].includes(typeof item))) {
    return csvText(value.map((item) => (item === null ? '' : String(item))).join(' '));
  }
  return csvText(typeof value === 'string' ? value : JSON.stringify(value));
}

function csvText(text: string): string {
  const guarded = FORMULA_START.test(text) ? `'${text}` : text;
  return NEEDS_QUOTES.test(guarded) ? `"${guarded.replace(/"/g, '""')}"` : guarded;
}

/** The value at a dotted path (`business.mean`) of a row: how nested groups of a report become columns. */
export function valueAt(row: object, path: string): unknown {
  let node: unknown = row;
  for (const key of path.split('.')) {
    if (typeof node !== 'object' || node === null || !Object.prototype.hasOwnProperty.call(node, key)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** A table as CSV: the header row of `columns`, then one record per row, each line ended by CRLF. */
export function toCsv(columns: readonly string[], rows: readonly object[]): string {
  const lines = [columns.map(csvCell), ...rows.map((row) => columns.map((column) => csvCell(valueAt(row, column))))];
  return lines.map((cells) => `${cells.join(',')}\r\n`).join('');
}

interface MediaRange {
  type: string;
  subtype: string;
  q: number;
}

function parseAccept(accept: string): MediaRange[] {
  const ranges: MediaRange[] = [];
  for (const part of accept.split(',')) {
    const [range = '', ...parameters] = part.split(';').map((piece) => piece.trim());
    const [type, subtype] = range.toLowerCase().split('/');
    if (!type || !subtype) continue;
    const weight = parameters.map((parameter) => /^q\s*=\s*([0-9.]+)$/i.exec(parameter)?.[1]).find((value) => value !== undefined);
    const q = weight === undefined ? 1 : Number(weight);
    ranges.push({ type, subtype, q: Number.isFinite(q) ? Math.min(Math.max(q, 0), 1) : 0 });
  }
  return ranges;
}

/** How much `ranges` like `mediaType`: the weight of the most specific range that matches it (RFC 9110 §12.5.1), 0 when none does. */
function qualityOf(ranges: readonly MediaRange[], mediaType: string): number {
  const [type, subtype] = mediaType.split('/');
  let best: { specificity: number; q: number } = { specificity: -1, q: 0 };
  for (const range of ranges) {
    const specificity = range.type === type && range.subtype === subtype ? 2 : range.type === type && range.subtype === '*' ? 1 : range.type === '*' && range.subtype === '*' ? 0 : -1;
    if (specificity > best.specificity) best = { specificity, q: range.q };
  }
  return best.q;
}

/**
 * The format a report is answered in for this `Accept` header: JSON unless the caller prefers CSV (`text/csv`,
 * `text/*`), JSON too without the header or for any media type; undefined when the header allows neither (406).
 */
export function reportFormatFor(accept: string | undefined): ReportFormat | undefined {
  if (accept === undefined || accept.trim() === '') return 'json';
  const ranges = parseAccept(accept);
  if (ranges.length === 0) return 'json';
  const json = qualityOf(ranges, REPORT_JSON_MEDIA_TYPE);
  const csv = qualityOf(ranges, CSV_MEDIA_TYPE);
  if (json === 0 && csv === 0) return undefined;
  return csv > json ? 'csv' : 'json';
}

/** `GET /v1/reports/sla/compliance` → `sla-compliance`: the name of a report, from its path. */
export function reportNameOf(path: string): string {
  return path
    .replace(/^\/?v1\/reports\//, '')
    .replace(/\/+$/, '')
    .replace(/\//g, '-');
}

/** An instant in the ISO 8601 basic format (`20261101T000000Z`): no `:` that a file system would refuse. */
function fileInstant(value: string): string | undefined {
  const time = Date.parse(value);
  if (Number.isNaN(time)) return undefined;
  return new Date(time)
    .toISOString()
    .replace(/\.000Z$/, 'Z')
    .replace(/[-:]/g, '');
}

/** `sla-compliance-20261101T000000Z-20261201T000000Z.csv`; a report without a period is `<name>.csv`. */
export function csvFileName(report: string, from?: unknown, to?: unknown): string {
  const period = typeof from === 'string' && typeof to === 'string' ? [fileInstant(from), fileInstant(to)] : [];
  return `${[report, ...period.filter((part): part is string => part !== undefined)].join('-')}.csv`;
}

/**
 * The rows of a report's list, each with the report's own figures beside it (`figures` as extra columns); a single row
 * of the figures alone when the list is empty, so that a CSV never loses them.
 */
export function rowsWithFigures(rows: readonly object[], figures: object): object[] {
  return rows.length > 0 ? rows.map((row) => ({ ...row, ...figures })) : [figures];
}

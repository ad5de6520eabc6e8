/**
 * The reliability report: the rows the reliability suite recorded (libs/testing/src/reliability.ts), one per fault
 * or input class and test run, summed per class into a Markdown table, printed, and with `--write` put into
 * docs/reliability.md between its result markers (the prose around them is kept).
 *
 *   node -r @swc-node/register tools/reliability-report.ts <results.jsonl> [--write]
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import type { ReliabilityRow } from '@itsm/testing';

export const START = '<!-- reliability results: start (written by npm run test:chaos) -->';
export const END = '<!-- reliability results: end -->';
const GROUPS: Record<ReliabilityRow['group'], string> = { fault: 'Faults', input: 'Bad input', abuse: 'Abuse' };

/** The rows of one class added up; the slowest failure and the longest recovery are the largest seen. */
export function summarize(rows: readonly ReliabilityRow[]): ReliabilityRow[] {
  const byClass = new Map<string, ReliabilityRow>();
  for (const row of rows) {
    const key = `${row.group}\u0000${row.name}`;
    const sum = byClass.get(key);
    if (!sum) {
      byClass.set(key, { ...row });
      continue;
    }
    for (const field of ['runs', 'operations', 'ok', 'lost', 'duplicated', 'unexpected'] as const) sum[field] += row[field];
    if (row.failedFast !== undefined) sum.failedFast = (sum.failedFast ?? 0) + row.failedFast;
    if (row.slowestFailureMs !== undefined) sum.slowestFailureMs = Math.max(sum.slowestFailureMs ?? 0, row.slowestFailureMs);
    if (row.recoveryMs !== undefined) sum.recoveryMs = Math.max(sum.recoveryMs ?? 0, row.recoveryMs);
    if (row.notes && row.notes !== sum.notes) sum.notes = [sum.notes, row.notes].filter(Boolean).join('; ');
  }
  const order = Object.keys(GROUPS);
  return [...byClass.values()].sort((a, b) => order.indexOf(a.group) - order.indexOf(b.group));
}

const cell = (value: number | undefined) => (value === undefined ? '' : String(value));

export function table(rows: readonly ReliabilityRow[]): string {
  const lines: string[] = [];
  for (const [group, title] of Object.entries(GROUPS)) {
    const ofGroup = rows.filter((row) => row.group === group);
    if (ofGroup.length === 0) continue;
    lines.push(`### ${title}`, '');
    if (group === 'fault') {
      lines.push('| fault | injected | operations | ok | lost | duplicated | unexpected | failed fast (503/504) | slowest failure (ms) | recovery (ms) |', '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
      for (const r of ofGroup) lines.push(`| ${r.name} | ${r.runs} | ${r.operations} | ${r.ok} | ${r.lost} | ${r.duplicated} | ${r.unexpected} | ${cell(r.failedFast)} | ${cell(r.slowestFailureMs)} | ${cell(r.recoveryMs)} |`);
    } else {
      lines.push('| class | runs | operations | ok | lost | duplicated | unexpected | notes |', '|---|---:|---:|---:|---:|---:|---:|---|');
      for (const r of ofGroup) lines.push(`| ${r.name} | ${r.runs} | ${r.operations} | ${r.ok} | ${r.lost} | ${r.duplicated} | ${r.unexpected} | ${(r.notes ?? '').replace(/\|/g, '\\|')} |`);
    }
    lines.push('');
  }
  const faults = rows.filter((row) => row.group === 'fault');
  const total = (field: 'operations' | 'lost' | 'duplicated' | 'unexpected') => faults.reduce((sum, row) => sum + row[field], 0);
  lines.push(`Fault runs: ${total('operations')} operations in total; lost ${total('lost')}, duplicated ${total('duplicated')}, unexpected ${total('unexpected')}.`);
  return lines.join('\n');
}

/** `document` with the part between the markers replaced by `results`. */
export function replaceResults(document: string, results: string): string {
  const start = document.indexOf(START);
  const end = document.indexOf(END);
  if (start < 0 || end < start) throw new Error(`docs/reliability.md has lost its result markers (${START} … ${END})`);
  return `${document.slice(0, start + START.length)}\n${results}\n${document.slice(end)}`;
}

function main(): void {
  const [file, flag] = process.argv.slice(2);
  if (!file) throw new Error('usage: reliability-report.ts <results.jsonl> [--write]');
  const rows = existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as ReliabilityRow)
    : [];
  const results = `Run of ${new Date().toISOString().slice(0, 10)} on ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'}).\n\n${table(summarize(rows))}`;
  console.log(`\n${results}\n`);
  if (flag === '--write') {
    const path = join(__dirname, '..', 'docs', 'reliability.md');
    writeFileSync(path, replaceResults(readFileSync(path, 'utf8'), results));
    console.log(`wrote ${path}`);
  }
}

if (require.main === module) main();

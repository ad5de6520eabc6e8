/**
 * What the harness reports: one row per measured case (throughput, latency, errors, CPU ms per operation per
 * process, RSS per process, each throughput also as a ratio to the limit it is bounded by), the targets of the
 * performance issue as pass/fail lines, a Markdown rendering for stdout and the JSON written to bench/results/.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';

/** The limits of this machine, measured in the same run. */
export interface Limits {
  /** pgbench, 8 connections, one single-row INSERT of the incident row's shape per transaction (fsync on). */
  insertsPerSecond: number;
  /** JetStream acknowledged publishes per second, pipelined, of an event envelope's size, to a file-backed stream. */
  publishesPerSecond: number;
}

export interface Row {
  scenario: string;
  case: string;
  /** Operations per second, with their unit ("incidents/s", "CIs/s", "requests/s"). */
  throughput?: { value: number; unit: string };
  /** Which limit the throughput is compared with. */
  boundBy?: keyof Limits;
  latencyMs?: { p50: number; p95: number; p99: number; max?: number };
  errors?: number;
  cpuMsPerOperation?: Record<string, number>;
  rssMb?: Record<string, number>;
  /** Anything else the case measured (lag, counts, times), by name. */
  extra?: Record<string, number | string>;
}

export interface Target {
  name: string;
  measured: number;
  op: '>=' | '<=';
  goal: number;
  unit: string;
  pass: boolean;
}

export class Report {
  readonly rows: Row[] = [];
  readonly targets: Target[] = [];
  readonly startedAt = new Date();

  constructor(
    readonly quick: boolean,
    public limits: Limits = { insertsPerSecond: Number.NaN, publishesPerSecond: Number.NaN },
  ) {}

  add(row: Row): void {
    this.rows.push(row);
  }

  target(name: string, measured: number, op: '>=' | '<=', goal: number, unit: string): void {
    this.targets.push({ name, measured, op, goal, unit, pass: Number.isFinite(measured) && (op === '>=' ? measured >= goal : measured <= goal) });
  }

  ratio(row: Row): string {
    if (!row.throughput || !row.boundBy) return '';
    const limit = this.limits[row.boundBy];
    return Number.isFinite(limit) && limit > 0 ? `${((row.throughput.value / limit) * 100).toFixed(1)} % of ${row.boundBy === 'insertsPerSecond' ? 'inserts' : 'publishes'}` : '';
  }

  markdown(): string {
    const lines: string[] = [];
    const cell = (value: number | undefined) => (value === undefined || !Number.isFinite(value) ? '' : String(value));
    lines.push(`# Benchmark ${this.startedAt.toISOString()}${this.quick ? ' (quick)' : ''}`, '');
    lines.push(`Machine: ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB. Limits measured in this run: PostgreSQL ${this.limits.insertsPerSecond} single-row inserts/s (8 connections, fsync on), JetStream ${this.limits.publishesPerSecond} acknowledged publishes/s (pipelined).`, '');
    lines.push('| scenario | case | throughput | ratio to limit | p50 ms | p95 ms | p99 ms | errors | CPU ms/op by process | RSS MB by process | other |');
    lines.push('|---|---|---:|---:|---:|---:|---:|---:|---|---|---|');
    const compact = (record?: Record<string, number | string>) =>
      record
        ? Object.entries(record)
            .map(([k, v]) => `${k} ${v}`)
            .join(', ')
        : '';
    for (const row of this.rows) {
      lines.push(
        `| ${row.scenario} | ${row.case} | ${row.throughput ? `${row.throughput.value} ${row.throughput.unit}` : ''} | ${this.ratio(row)} | ${cell(row.latencyMs?.p50)} | ${cell(row.latencyMs?.p95)} | ${cell(row.latencyMs?.p99)} | ${cell(row.errors)} | ${compact(row.cpuMsPerOperation)} | ${compact(row.rssMb)} | ${compact(row.extra)} |`,
      );
    }
    if (this.targets.length > 0) {
      lines.push('', '| target | measured | goal | |', '|---|---:|---:|---|');
      for (const t of this.targets) lines.push(`| ${t.name} | ${Number.isFinite(t.measured) ? t.measured : 'not measured'} ${t.unit} | ${t.op} ${t.goal} ${t.unit} | ${t.pass ? 'pass' : 'MISS'} |`);
    }
    return `${lines.join('\n')}\n`;
  }

  /** Writes bench/results/<date>.json (or <date>-quick.json) and returns its path. */
  write(dir: string): string {
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${this.startedAt.toISOString().replace(/[:.]/g, '-')}${this.quick ? '-quick' : ''}.json`);
    writeFileSync(file, `${JSON.stringify({ at: this.startedAt.toISOString(), quick: this.quick, machine: { cores: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30) }, limits: this.limits, rows: this.rows, targets: this.targets }, null, 2)}\n`);
    return file;
  }
}

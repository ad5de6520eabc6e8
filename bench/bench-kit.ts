/** What every benchmark of the suite shares: its command-line options, percentiles, CPU time from /proc and resident memory. */
import { readFileSync } from 'node:fs';
import { metricSum, scrapeMetrics } from '@itsm/testing';

/** `--name N` from the command line, or `fallback`; an integer of at least `min`. */
export function option(name: string, fallback: number, min = 1): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index >= 0 ? Number(process.argv[index + 1]) : fallback;
  if (!Number.isInteger(value) || value < min) throw new Error(`--${name} must be an integer of at least ${min}`);
  return value;
}

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

export function summary(values: number[], digits = 1): { p50: number; p95: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const round = (v: number) => +v.toFixed(digits);
  return { p50: round(percentile(sorted, 50)), p95: round(percentile(sorted, 95)), max: round(sorted.at(-1) ?? Number.NaN) };
}

/** CPU time (user + system) a process has used so far, in ms, from /proc. */
export function cpuMs(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return Number.NaN;
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resident memory of the process whose /metrics answers on `port`, in MB. */
export async function residentMegabytes(port: number): Promise<number> {
  return Math.round(metricSum(await scrapeMetrics(port), 'process_resident_memory_bytes') / 1024 / 1024);
}

/**
 * HTTP load from autocannon, with exact percentiles: autocannon's own histogram reports p50/p90/p97.5/p99, so every
 * response time it measures is also collected here (from its `response` event) and p50/p95/p99 are read off the
 * full list.
 */
import autocannon from 'autocannon';
import { percentile } from '../bench-kit';

export type LoadRequest = autocannon.Request;

export interface LoadOptions {
  /** Base URL of the gateway. */
  url: string;
  connections: number;
  /** Stop after this many requests … */
  amount?: number;
  /** … or after this many seconds. */
  durationSeconds?: number;
  /** Headers of every request (the bearer token, content type). */
  headers: Record<string, string>;
  /** The request pipeline every connection cycles through (setupRequest may vary each one). */
  requests: LoadRequest[];
  /** Per-request timeout in seconds (autocannon counts a timeout as an error). */
  timeoutSeconds?: number;
}

export interface LoadResult {
  requests: number;
  durationMs: number;
  perSecond: number;
  latencyMs: { p50: number; p95: number; p99: number; max: number };
  /** Responses that were not 2xx, plus connection errors and timeouts. */
  errors: number;
  /** Count per HTTP status. */
  statuses: Record<string, number>;
}

export async function load(options: LoadOptions): Promise<LoadResult> {
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  const started = performance.now();
  let instance: autocannon.Instance | undefined;
  const finished = new Promise<autocannon.Result>((resolve, reject) => {
    instance = autocannon(
      {
        url: options.url,
        connections: options.connections,
        // autocannon takes an explicit `undefined` as a value: name only the one that is set.
        ...(options.amount === undefined ? { duration: options.durationSeconds ?? 10 } : { amount: options.amount }),
        headers: options.headers,
        requests: options.requests,
        timeout: options.timeoutSeconds ?? 30,
      },
      (error, result) => (error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve(result)),
    );
  });
  instance?.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
    latencies.push(responseTime);
    statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
  });
  const result = await finished;
  const durationMs = performance.now() - started;
  latencies.sort((a, b) => a - b);
  const round = (value: number) => +value.toFixed(1);
  const responded = latencies.length;
  const notOk = Object.entries(statuses).reduce((sum, [status, count]) => (status.startsWith('2') ? sum : sum + count), 0);
  return {
    requests: responded,
    durationMs: Math.round(durationMs),
    perSecond: Math.round((responded / durationMs) * 1000),
    latencyMs: { p50: round(percentile(latencies, 50)), p95: round(percentile(latencies, 95)), p99: round(percentile(latencies, 99)), max: round(latencies.at(-1) ?? Number.NaN) },
    errors: notOk + result.errors + result.timeouts,
    statuses,
  };
}

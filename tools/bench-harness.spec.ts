/**
 * The benchmark harness's own arithmetic: targets are pass/fail by their comparison (a figure never measured is a
 * miss), throughput reads as a share of the limit it is bounded by, and the load generator's wrapper counts every
 * answer, its status and its latency as a real HTTP server gave them.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { load } from '../bench/suite/load';
import { Report } from '../bench/suite/report';

describe('benchmark report', () => {
  it('passes a target only when the measured figure meets it, and misses one never measured', () => {
    const report = new Report(false, { insertsPerSecond: 4_000, publishesPerSecond: 20_000 });
    report.target('rate', 300, '>=', 300, '/s');
    report.target('p99', 151, '<=', 150, 'ms');
    report.target('lag', Number.NaN, '<=', 1_000, 'ms');
    expect(report.targets.map((t) => [t.name, t.pass])).toEqual([
      ['rate', true],
      ['p99', false],
      ['lag', false],
    ]);
    expect(report.markdown()).toMatch(/\| lag \| not measured ms \| <= 1000 ms \| MISS \|/);
  });

  it('states a throughput as a share of the limit it is bounded by', () => {
    const report = new Report(true, { insertsPerSecond: 4_000, publishesPerSecond: 20_000 });
    report.add({ scenario: 'creation', case: '16 clients', throughput: { value: 1_000, unit: 'incidents/s' }, boundBy: 'insertsPerSecond', latencyMs: { p50: 10, p95: 20, p99: 30 }, errors: 0 });
    report.add({ scenario: 'footprint', case: 'idle', rssMb: { gateway: 150 } });
    expect(report.rows.map((row) => report.ratio(row))).toEqual(['25.0 % of inserts', '']);
    const table = report.markdown();
    expect(table).toContain('(quick)');
    expect(table).toContain('| creation | 16 clients | 1000 incidents/s | 25.0 % of inserts | 10 | 20 | 30 | 0 |');
    expect(table).toContain('| footprint | idle |');
  });
});

describe('load generator wrapper', () => {
  let server: Server;
  let url: string;
  let seen = 0;

  beforeAll(async () => {
    server = createServer((request, response) => {
      seen += 1;
      // Every third answer fails; some answers take a little longer.
      const n = seen;
      setTimeout(() => {
        response.statusCode = n % 3 === 0 ? 503 : 201;
        response.end(request.method);
      }, n % 10 === 0 ? 20 : 1);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('counts every answer by status, the non-2xx ones as errors, with ordered percentiles', async () => {
    seen = 0;
    const result = await load({ url, connections: 4, amount: 120, headers: { 'content-type': 'application/json' }, requests: [{ method: 'POST', path: '/x', body: '{}' }] });
    expect(result.requests).toBe(120);
    expect(seen).toBe(120);
    expect(result.statuses).toEqual({ 201: 80, 503: 40 });
    expect(result.errors).toBe(40);
    expect(result.latencyMs.p50).toBeLessThanOrEqual(result.latencyMs.p95);
    expect(result.latencyMs.p95).toBeLessThanOrEqual(result.latencyMs.p99);
    expect(result.latencyMs.p99).toBeLessThanOrEqual(result.latencyMs.max);
    expect(result.latencyMs.max).toBeGreaterThanOrEqual(20);
    // autocannon samples once a second and waits for its tick to finish: on a loaded machine a run takes seconds.
  }, 60_000);
});

/**
 * Benchmark of what the shared rate limits add to a request: two gateways in this process on a private NATS, in
 * front of a stand-in service that answers `GET /v1/incidents/{id}` at once (so the gateway and NATS are all that is
 * measured).
 *
 *   npm run bench:gateway-limits -- [--requests 2000] [--clients 50] [--flood-rate 2000]
 *
 * Cases, each `--requests` requests:
 * 1. one client, one request at a time to one replica, limits off and on: the round trip to the KV bucket that
 *    each request adds (this replica wrote the key last, so one write);
 * 2. the same, alternating between the two replicas: the other replica always wrote last, so a lost
 *    compare-and-set, a read and a write;
 * 3. `--clients` clients, each with `--requests / --clients` requests at a time, spread over both replicas, limits
 *    off and on: throughput and latency under load;
 * 4. one client sending `--clients` requests at once, again and again, over both replicas: the requests that wait
 *    for a write of their key go together in the next one;
 * 5. a flood over the quota: requests refused by a replica that knows the key is full, without NATS;
 * 6. the rate-limit check alone (`RateLimiter.check`, no HTTP), one at a time on one replica, alternating between
 *    the two, and `--clients` at once for one client over both: what the KV round trips cost by themselves;
 * 7. isolation, with the gateways as processes of their own: a quiet client's p99 alone and while a flooding process
 *    sends `--flood-rate` requests a second to both replicas, past its quota (the issue
 *    asks that a flood raise another client's p99 by at most 2×).
 *
 * Prints what it measured and writes the same as JSON under bench/results/.
 */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type NatsConnection } from 'nats';
import { IncidentRpc, Role } from '@itsm/contracts';
import { createLogger } from '@itsm/observability';
import { freePort, infra, mintToken, type ServiceProcess, spawnApp, TEST_JWT_ISSUER, TEST_JWT_SECRET, waitUntilReady, testNatsCredentialsDir, testNatsOptions } from '@itsm/testing';
import { loadGatewayConfig } from '../apps/gateway/src/config';
import { createGateway, type Gateway } from '../apps/gateway/src/gateway';
import { RateLimiter } from '../apps/gateway/src/limits/rate-limiter';
import { RouteClass } from '../apps/gateway/src/limits/route-class';
import { option, percentile, summary } from './bench-kit';
import { startFlood } from './suite/flooder';

interface Replica {
  gateway: Gateway;
  baseUrl: string;
}

async function startReplica(natsUrl: string, env: Record<string, string>): Promise<Replica> {
  const config = loadGatewayConfig({ NATS_URL: natsUrl, NATS_CREDENTIALS_DIR: testNatsCredentialsDir(), JWT_SECRET: TEST_JWT_SECRET, JWT_ISSUER: TEST_JWT_ISSUER, LOG_LEVEL: 'silent', ...env });
  const gateway = await createGateway(config, createLogger('gateway', 'silent'));
  await gateway.app.listen({ port: 0, host: '127.0.0.1' });
  const address = gateway.app.getHttpServer().address();
  if (!address || typeof address === 'string') throw new Error('gateway is not listening on a TCP port');
  return { gateway, baseUrl: `http://127.0.0.1:${address.port}` };
}

/** A gateway as a process of its own, from its build (`npm run bench:gateway-limits` builds first). */
async function startProcessReplica(natsUrl: string): Promise<{ baseUrl: string; process: ServiceProcess }> {
  const port = await freePort();
  const child = spawnApp('gateway', { NATS_URL: natsUrl, NATS_CREDENTIALS_DIR: testNatsCredentialsDir(), JWT_SECRET: TEST_JWT_SECRET, JWT_ISSUER: TEST_JWT_ISSUER, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'silent', RPC_TIMEOUT_MS: '10000' });
  await waitUntilReady(child, port);
  return { baseUrl: `http://127.0.0.1:${port}`, process: child };
}

/** Answers every `incident.get` at once, as Nest's NATS transport would. */
function standInService(nc: NatsConnection): void {
  const record = JSON.stringify({ id: randomUUID(), number: 'INC0000001', version: 1, title: 'VPN drops every 10 minutes' });
  nc.subscribe(IncidentRpc.get.subject, {
    callback: (_error, msg) => {
      const { id } = msg.json<{ id: string }>();
      msg.respond(`{"id":${JSON.stringify(id)},"response":{"ok":true,"data":${record}},"isDisposed":true}`);
    },
  });
}

const client = (): string => mintToken({ sub: `bench-${randomUUID()}`, roles: [Role.Agent] });

async function timedGet(baseUrl: string, token: string): Promise<{ ms: number; status: number }> {
  const t0 = performance.now();
  const response = await fetch(`${baseUrl}/v1/incidents/${randomUUID()}`, { headers: { authorization: `Bearer ${token}` } });
  await response.arrayBuffer();
  return { ms: performance.now() - t0, status: response.status };
}

interface Measured {
  case: string;
  requests: number;
  perSecond: number;
  statuses: Record<string, number>;
  latencyMs: { p50: number; p95: number; p99: number; max: number };
}

async function measure(name: string, run: () => Promise<Array<{ ms: number; status: number }>>): Promise<Measured> {
  const t0 = performance.now();
  const results = await run();
  const seconds = (performance.now() - t0) / 1_000;
  const statuses: Record<string, number> = {};
  for (const { status } of results) statuses[status] = (statuses[status] ?? 0) + 1;
  const latencies = results.map((r) => r.ms);
  const p99 = +percentile([...latencies].sort((a, b) => a - b), 99).toFixed(2);
  const measured = { case: name, requests: results.length, perSecond: Math.round(results.length / seconds), statuses, latencyMs: { ...summary(latencies, 2), p99 } };
  process.stdout.write(`${name}: ${JSON.stringify({ perSecond: measured.perSecond, statuses, latencyMs: measured.latencyMs })}\n`);
  return measured;
}

async function sequential(replicas: ReadonlyArray<{ baseUrl: string }>, requests: number, token: string): Promise<Array<{ ms: number; status: number }>> {
  const results = [];
  for (let index = 0; index < requests; index++) results.push(await timedGet((replicas[index % replicas.length] as { baseUrl: string }).baseUrl, token));
  return results;
}

async function concurrentClients(replicas: Replica[], requests: number, clients: number): Promise<Array<{ ms: number; status: number }>> {
  const perClient = Math.ceil(requests / clients);
  const lanes = Array.from({ length: clients }, async (_, lane) => {
    const token = client();
    const results = [];
    for (let index = 0; index < perClient; index++) results.push(await timedGet((replicas[(lane + index) % replicas.length] as Replica).baseUrl, token));
    return results;
  });
  return (await Promise.all(lanes)).flat();
}

async function bursts(replicas: Replica[], requests: number, size: number, token: string): Promise<Array<{ ms: number; status: number }>> {
  const results = [];
  for (let sent = 0; sent < requests; sent += size) {
    results.push(...(await Promise.all(Array.from({ length: size }, (_, index) => timedGet((replicas[index % replicas.length] as Replica).baseUrl, token)))));
  }
  return results;
}

async function timedChecks(limiters: RateLimiter[], requests: number, atOnce: number): Promise<Array<{ ms: number; status: number }>> {
  const sub = `bench-${randomUUID()}`;
  const results = [];
  for (let sent = 0; sent < requests; sent += atOnce) {
    const round = Array.from({ length: atOnce }, async (_, index) => {
      const t0 = performance.now();
      const decision = await (limiters[(sent + index) % limiters.length] as RateLimiter).check(sub, RouteClass.Read);
      return { ms: performance.now() - t0, status: decision.remaining === undefined ? 0 : decision.allowed ? 200 : 429 };
    });
    results.push(...(await Promise.all(round)));
  }
  return results;
}

async function main(): Promise<void> {
  const requests = option('requests', 2_000);
  const clients = option('clients', 50);
  const floodRate = option('flood-rate', 2_000);
  const dir = mkdtempSync(join(tmpdir(), 'itsm-bench-limits-'));
  const nats = await infra.startNats({ dir: join(dir, 'nats'), port: await freePort() });
  const nc = await connect(testNatsOptions('bench-limits'));
  standInService(nc);
  const high = { RATE_LIMIT_READ_PER_WINDOW: '1000000000', RPC_TIMEOUT_MS: '10000' };
  const off = [await startReplica(nats.url, { ...high, RATE_LIMIT_ENABLED: 'false' }), await startReplica(nats.url, { ...high, RATE_LIMIT_ENABLED: 'false' })];
  const on = [await startReplica(nats.url, high), await startReplica(nats.url, high)];
  const flood = await startReplica(nats.url, { RATE_LIMIT_READ_PER_WINDOW: '10', RPC_TIMEOUT_MS: '10000' });
  // Case 7 runs the gateways as processes of their own (from their build), each with the default read quota.
  const isolation = [await startProcessReplica(nats.url), await startProcessReplica(nats.url)];
  try {
    // Warm-up: connections, the bucket, the JIT.
    await sequential([...off, ...on], 400, client());

    const results: Measured[] = [];
    results.push(await measure('1. one client, one at a time, limits off', () => sequential(off.slice(0, 1), requests, client())));
    results.push(await measure('1. one client, one at a time, limits on', () => sequential(on.slice(0, 1), requests, client())));
    results.push(await measure('2. one client, one at a time, alternating replicas, limits off', () => sequential(off, requests, client())));
    results.push(await measure('2. one client, one at a time, alternating replicas, limits on', () => sequential(on, requests, client())));
    results.push(await measure(`3. ${clients} clients at once over both replicas, limits off`, () => concurrentClients(off, requests, clients)));
    results.push(await measure(`3. ${clients} clients at once over both replicas, limits on`, () => concurrentClients(on, requests, clients)));
    results.push(await measure(`4. one client, bursts of ${clients} over both replicas, limits off`, () => bursts(off, requests, clients, client())));
    results.push(await measure(`4. one client, bursts of ${clients} over both replicas, limits on`, () => bursts(on, requests, clients, client())));
    results.push(await measure('5. one client over its quota of 10, one at a time', () => sequential([flood], requests, client())));
    const limiters = on.map((replica) => replica.gateway.app.get(RateLimiter));
    results.push(await measure('6. the check alone, one at a time, one replica', () => timedChecks(limiters.slice(0, 1), requests, 1)));
    results.push(await measure('6. the check alone, one at a time, alternating replicas', () => timedChecks(limiters, requests, 1)));
    results.push(await measure(`6. the check alone, ${clients} at once for one client over both replicas`, () => timedChecks(limiters, requests, clients)));

    // 7. Isolation: a quiet client's latency alone, then while another client floods both replicas at `--flood-rate`
    // requests a second from a process of its own (after a second it is over its quota: the replicas refuse it early).
    const quiet = Math.max(200, Math.floor(requests / 4));
    const alone = await measure('7. a quiet client, one at a time over both replicas, alone', () => sequential(isolation, quiet, client()));
    const flooder = startFlood({ urls: isolation.map((replica) => replica.baseUrl), token: client(), rate: floodRate });
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const during = await measure(`7. the same, while another client floods both replicas at ${floodRate}/s`, () => sequential(isolation, quiet, client()));
    const floodStatuses = (await flooder.stop()).statuses;
    results.push(alone, during);
    const isolationRatio = +(during.latencyMs.p99 / alone.latencyMs.p99).toFixed(2);
    process.stdout.write(`7. the flood sent ${JSON.stringify(floodStatuses)}; the quiet client's p99 rose ${isolationRatio}× (issue bound: 2×)\n`);

    const result = { at: new Date().toISOString(), machine: { cpus: cpus().length, model: cpus()[0]?.model, loadavg: loadavg() }, requests, clients, results, isolation: { floodRate, floodStatuses, p99Ratio: isolationRatio } };
    mkdirSync(join(__dirname, 'results'), { recursive: true });
    writeFileSync(join(__dirname, 'results', `gateway-limits-${result.at.replace(/[:.]/g, '-')}.json`), `${JSON.stringify(result, null, 2)}\n`);
  } finally {
    for (const replica of [...off, ...on, flood]) await replica.gateway.close();
    for (const replica of isolation) await replica.process.kill('SIGTERM');
    await nc.drain();
    await nats.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});

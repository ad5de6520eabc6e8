/**
 * Benchmark of the incident slice: gateway → incident (row + outbox) → JetStream → notification (event log), every
 * service a real process on private, durable (fsync on) PostgreSQL and NATS servers.
 *
 *   npm run bench -- [--incidents 2000] [--concurrency 64]
 *
 * BENCH_NODE_ARGS (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`) is passed to every node process it starts.
 *
 * Prints throughput and latency of the API, how long the events take to reach the stream and the notification
 * service, and the memory of each process; writes the same as JSON under bench/results/.
 */
import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EVENTS_STREAM, IncidentEvents, Role } from '@itsm/contracts';
import { buildCreateIncident, freePort, mintToken, serviceTestEnv, spawnApp, TEST_JWT_SECRET, type ServiceProcess, waitUntilReady, testNatsCredentialsDir, connectTestNats } from '@itsm/testing';
import { cpuMs, option, percentile, residentMegabytes, startInfra } from './bench-kit';

async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<number> {
  const start = performance.now();
  while (!(await check())) {
    if (performance.now() - start > timeoutMs) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return performance.now() - start;
}

async function main(): Promise<void> {
  const incidents = option('incidents', 2_000);
  const concurrency = option('concurrency', 64);
  const nodeArgs = (process.env['BENCH_NODE_ARGS'] ?? '').split(' ').filter(Boolean);
  const infrastructure = await startInfra('slice');
  const { database } = infrastructure;
  const nats = { url: infrastructure.natsUrl };
  const processes: Array<{ name: string; process: ServiceProcess; port: number }> = [];
  try {
    for (const name of ['incident', 'notification']) {
      const port = await freePort();
      processes.push({ name, port, process: spawnApp(name, serviceTestEnv(database, { HEALTH_PORT: String(port), LOG_LEVEL: 'warn' }), nodeArgs) });
    }
    const gatewayPort = await freePort();
    processes.push({
      name: 'gateway',
      port: gatewayPort,
      process: spawnApp('gateway', { PORT: String(gatewayPort), HOST: '127.0.0.1', NATS_URL: nats.url, NATS_CREDENTIALS_DIR: testNatsCredentialsDir(), JWT_SECRET: TEST_JWT_SECRET, LOG_LEVEL: 'warn', RATE_LIMIT_ENABLED: 'false' }, nodeArgs),
    });
    await Promise.all(processes.map(({ process, port }) => waitUntilReady(process, port)));
    const nc = await connectTestNats('bench');
    const jsm = await nc.jetstreamManager();
    const token = mintToken({ sub: 'bench', roles: [Role.Agent] });
    const url = `http://127.0.0.1:${gatewayPort}/v1/incidents`;
    const post = () =>
      fetch(url, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(buildCreateIncident()) });

    // Warm-up: connections, JIT, pools.
    await Promise.all(Array.from({ length: 50 }, post));
    await until(async () => (await jsm.streams.info(EVENTS_STREAM)).state.messages >= 50, 30_000);
    const baseline = (await jsm.streams.info(EVENTS_STREAM)).state.messages;

    const cpuBefore = processes.map(({ process }) => cpuMs(process.child.pid));
    const latencies: number[] = [];
    let next = 0;
    let failures = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < incidents) {
          next += 1;
          const t0 = performance.now();
          const response = await post();
          await response.arrayBuffer();
          latencies.push(performance.now() - t0);
          if (response.status !== 201) failures += 1;
        }
      }),
    );
    const apiMs = performance.now() - started;
    const onStreamMs = apiMs + (await until(async () => (await jsm.streams.info(EVENTS_STREAM, { subjects_filter: IncidentEvents.created.subject })).state.messages >= baseline + incidents, 120_000));
    const recordedMs =
      apiMs +
      (await until(async () => {
        const [row] = await database.query<{ n: number }>('SELECT count(*)::int AS n FROM notification.event_log');
        return (row?.n ?? 0) >= baseline + incidents;
      }, 300_000));
    const cpuPerIncident = Object.fromEntries(
      processes.map(({ name, process }, i) => [name, +((cpuMs(process.child.pid) - (cpuBefore[i] ?? 0)) / incidents).toFixed(2)] as const),
    );
    latencies.sort((a, b) => a - b);
    const memory = Object.fromEntries(await Promise.all(processes.map(async ({ name, port }) => [name, await residentMegabytes(port)] as const)));
    const result = {
      at: new Date().toISOString(),
      incidents,
      concurrency,
      failures,
      apiRequestsPerSecond: Math.round((incidents / apiMs) * 1000),
      latencyMs: { p50: +percentile(latencies, 50).toFixed(1), p95: +percentile(latencies, 95).toFixed(1), p99: +percentile(latencies, 99).toFixed(1), max: +(latencies.at(-1) ?? 0).toFixed(1) },
      allEventsOnStreamAfterMs: Math.round(onStreamMs),
      allRecordedByNotificationAfterMs: Math.round(recordedMs),
      notificationEventsPerSecond: Math.round((incidents / recordedMs) * 1000),
      cpuMsPerIncident: cpuPerIncident,
      residentMemoryMb: memory,
    };
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    mkdirSync(join(__dirname, 'results'), { recursive: true });
    writeFileSync(join(__dirname, 'results', `slice-${result.at.replace(/[:.]/g, '-')}.json`), `${JSON.stringify(result, null, 2)}\n`);
    await nc.drain();
  } finally {
    await Promise.all(processes.map(({ process }) => process.kill('SIGTERM')));
    await infrastructure.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});

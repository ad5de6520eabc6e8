/**
 * The whole suite as the benchmark harness runs it: private, durable (fsync on) PostgreSQL and NATS with
 * JetStream, and the production build of the gateway and all seven services, each a process of its own on one
 * database (each service in its own schema), as `npm start` and Kubernetes run them.
 *
 * It also reads what every process costs: CPU time and resident memory from /proc, so a scenario can report CPU ms
 * per operation per process and RSS per process without asking the processes anything.
 */
import { readFileSync } from 'node:fs';
import { type Actor, Role } from '@itsm/contracts';
import { RpcClient } from '@itsm/messaging';
import type { NatsConnection } from 'nats';
import { freePort, mintToken, SERVICE_NAMES, spawnApp, TEST_JWT_SECRET, type ServiceProcess, type TestDatabase, waitUntilReady, testNatsCredentialsDir, connectTestNats } from '@itsm/testing';
import { cpuMs, startInfra } from '../bench-kit';

export interface SuiteProcess {
  name: string;
  /** Health port (services) or API port (gateway). */
  port: number;
  process: ServiceProcess;
  /** From spawn to its readiness endpoint answering 200, in ms. */
  readyAfterMs: number;
}

/** CPU time (ms) and resident memory (MB) of every process at one instant. */
export type Sample = Record<string, { cpuMs: number; rssMb: number }>;

export interface Suite {
  dir: string;
  postgresUrl: string;
  natsUrl: string;
  /** The suite's database (every service's schema), with an admin connection for seeding and checks. */
  database: TestDatabase;
  /** `http://127.0.0.1:<port>` of the gateway. */
  gatewayUrl: string;
  processes: SuiteProcess[];
  nc: NatsConnection;
  /** An RPC client on the suite's NATS, for scenarios that measure a service directly. */
  rpc: RpcClient;
  /** A gateway bearer token for a person with `roles` (agent by default). */
  token(roles?: Role[], sub?: string): string;
  /** Every process's CPU time and RSS now. */
  sample(): Sample;
  /** Resolves when every durable JetStream consumer of the suite has nothing pending and nothing unacknowledged (polls every 50 ms). */
  consumersIdle(timeoutMs?: number): Promise<number>;
  /** Sends a signal to one process of the suite (`SIGKILL`, `SIGSTOP`, `SIGCONT` …) and, for one that ends it, waits until it has exited. */
  signal(name: string, signal: NodeJS.Signals): Promise<void>;
  /** Starts a process of the suite again (after it died or was killed) with its settings and port, and waits until it is ready. */
  respawn(name: string): Promise<void>;
  /** See {@link BenchInfra.restartPostgres}. */
  restartPostgres(downMs?: number): Promise<void>;
  /** See {@link BenchInfra.restartNats}. */
  restartNats(downMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export interface SuiteOptions {
  /** Extra node flags for every app (BENCH_NODE_ARGS, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`). */
  nodeArgs?: string[];
  /** Extra environment for every app. */
  env?: Record<string, string>;
  /** Called with progress lines. */
  log?: (line: string) => void;
  /** The services to run beside the gateway (all seven by default). */
  services?: readonly string[];
}

export const benchActor: Actor = { sub: 'service:bench', name: 'benchmark', roles: [Role.Admin] };

/** Resident memory of a process in MB, from /proc (NaN once it has gone). */
export function rssMb(pid: number | undefined): number {
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8')
      .split('\n')
      .find((l) => l.startsWith('VmRSS:'));
    return Math.round(Number(line?.split(/\s+/)[1]) / 1024);
  } catch {
    return Number.NaN;
  }
}

/** Per process: CPU ms spent between two samples divided by `operations`, two decimals. */
export function cpuPerOperation(before: Sample, after: Sample, operations: number): Record<string, number> {
  return Object.fromEntries(Object.keys(after).map((name) => [name, +(((after[name]?.cpuMs ?? 0) - (before[name]?.cpuMs ?? 0)) / Math.max(1, operations)).toFixed(2)]));
}

export function rssOf(sample: Sample): Record<string, number> {
  return Object.fromEntries(Object.entries(sample).map(([name, value]) => [name, value.rssMb]));
}

export async function startSuite(options: SuiteOptions = {}): Promise<Suite> {
  const log = options.log ?? (() => undefined);
  const infrastructure = await startInfra('suite');
  const { dir, database } = infrastructure;
  const postgres = { url: infrastructure.postgresUrl };
  const nats = { url: infrastructure.natsUrl };
  const processes: SuiteProcess[] = [];
  const shared = {
    DATABASE_URL: database.url,
    NATS_URL: nats.url, NATS_CREDENTIALS_DIR: testNatsCredentialsDir(),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    JWT_SECRET: TEST_JWT_SECRET,
    API_KEY_HASH_SECRET: 'bench-api-key-hash-secret-0123456789abcdef',
    // The harness is one client on one machine; per-client quotas would measure the limiter, not the suite.
    RATE_LIMIT_ENABLED: 'false',
    ...options.env,
  };
  let stopping = false;
  const settings = new Map<string, Record<string, string>>();
  const stopAll = async () => {
    stopping = true;
    await Promise.all(processes.map(({ process }) => process.kill('SIGTERM')));
    await infrastructure.stop();
  };
  const start = async (name: string, env: Record<string, string>, port: number) => {
    const t0 = performance.now();
    settings.set(name, env);
    const process = spawnApp(name, { ...shared, ...env }, options.nodeArgs ?? []);
    const entry: SuiteProcess = { name, port, process, readyAfterMs: 0 };
    const index = processes.findIndex((existing) => existing.name === name);
    if (index >= 0) processes[index] = entry;
    else processes.push(entry);
    // A process that dies under load is a finding: say so, with what it last wrote, instead of reading NaN later.
    void process.exited.then((code) => {
      if (!stopping) log(`${name} exited with ${code} during the run; its last output:\n${process.output().split('\n').slice(-40).join('\n')}`);
    });
    // A loaded machine (a profiler, other work) can take far longer than the usual few seconds to start eight processes.
    await waitUntilReady(process, port, '/health/ready', 120_000);
    entry.readyAfterMs = Math.round(performance.now() - t0);
  };
  try {
    // Services first, all at once (each runs its own migrations in its own schema), then the gateway.
    await Promise.all(
      (options.services ?? SERVICE_NAMES).map(async (name) => {
        const port = await freePort();
        await start(name, { HEALTH_PORT: String(port) }, port);
      }),
    );
    const gatewayPort = await freePort();
    await start('gateway', { PORT: String(gatewayPort) }, gatewayPort);
    log(`suite ready: ${processes.map((p) => `${p.name} ${p.readyAfterMs} ms`).join(', ')}`);
  } catch (error) {
    await stopAll();
    throw error;
  }
  const nc = await connectTestNats('bench');
  const jsm = await nc.jetstreamManager();
  const rpc = new RpcClient(nc, 60_000);
  const gatewayPort = processes.find((p) => p.name === 'gateway')?.port;
  return {
    dir,
    postgresUrl: postgres.url,
    natsUrl: nats.url,
    database,
    gatewayUrl: `http://127.0.0.1:${gatewayPort}`,
    processes,
    nc,
    rpc,
    token: (roles = [Role.Agent], sub = 'bench-agent') => mintToken({ sub, name: 'Bench Agent', roles }, { expiresInSeconds: 24 * 3600 }),
    sample: () => Object.fromEntries(processes.map(({ name, process }) => [name, { cpuMs: cpuMs(process.child.pid), rssMb: rssMb(process.child.pid) }])),
    async consumersIdle(timeoutMs = 600_000) {
      const t0 = performance.now();
      for (;;) {
        let busy = 0;
        const waiting: string[] = [];
        for await (const stream of jsm.streams.list()) {
          for await (const consumer of jsm.consumers.list(stream.config.name)) {
            // The suite's consumers are durable; an ephemeral one is an outside subscriber's (a checker's reader).
            if (!consumer.config.durable_name) continue;
            busy += consumer.num_pending + consumer.num_ack_pending;
            if (consumer.num_pending + consumer.num_ack_pending > 0) waiting.push(`${consumer.name} (${consumer.num_pending} pending, ${consumer.num_ack_pending} unacknowledged)`);
          }
        }
        if (busy === 0) return performance.now() - t0;
        if (performance.now() - t0 > timeoutMs) throw new Error(`consumers still had ${busy} events to handle after ${timeoutMs} ms: ${waiting.join(', ')}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    async signal(name, signal) {
      const entry = processes.find((candidate) => candidate.name === name);
      if (!entry) throw new Error(`no process ${name} in the suite`);
      if (signal === 'SIGSTOP' || signal === 'SIGCONT') entry.process.child.kill(signal);
      else await entry.process.kill(signal);
    },
    async respawn(name) {
      const entry = processes.find((candidate) => candidate.name === name);
      if (!entry) throw new Error(`no process ${name} in the suite`);
      await entry.process.kill('SIGKILL');
      await start(name, settings.get(name) ?? {}, entry.port);
    },
    restartPostgres: (downMs) => infrastructure.restartPostgres(downMs),
    restartNats: (downMs) => infrastructure.restartNats(downMs),
    async stop() {
      await nc.drain().catch(() => undefined);
      await stopAll();
    },
  };
}

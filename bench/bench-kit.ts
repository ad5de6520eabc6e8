/** What every benchmark of the suite shares: its command-line options, percentiles, CPU time from /proc and resident memory. */
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, freePort, infra, metricSum, scrapeMetrics, type TestDatabase, waitFor } from '@itsm/testing';
import { ensureLocalIdentities } from '@itsm/messaging';

/** True while a process with this pid exists (a zombie aside). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

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

/** A private PostgreSQL and NATS for one benchmark, and a fresh database on that PostgreSQL. */
export interface BenchInfra {
  /** The directory that holds both servers' data; removed by `stop`. */
  dir: string;
  postgresUrl: string;
  natsUrl: string;
  database: TestDatabase;
  /**
   * Crashes PostgreSQL (immediate shutdown: no checkpoint, every session cut, as when its host dies), waits
   * `downMs`, and starts it again on the same port and data, which it recovers from its write-ahead log.
   */
  restartPostgres(downMs?: number): Promise<void>;
  /** Stops NATS (SIGTERM: JetStream closes its store, as a pod restart does), waits `downMs`, and starts it again on the same port and store. */
  restartNats(downMs?: number): Promise<void>;
  /** Restores the test environment it changed, drops the database, stops both servers and removes their data. */
  stop(): Promise<void>;
}

/**
 * Starts a private, durable (fsync on) PostgreSQL and NATS with JetStream under a new directory named after
 * `name`, points the test environment (`ITSM_TEST_PG_URL`, `ITSM_TEST_NATS_URLS`) at them, so that
 * `serviceTestEnv` and `createTestDatabase` use them, and creates one database. Whatever started is stopped again
 * when a later step fails.
 */
export async function startInfra(name: string): Promise<BenchInfra> {
  const dir = mkdtempSync(join(tmpdir(), `itsm-bench-${name}-`));
  chmodSync(dir, 0o755); // PostgreSQL runs as its own user and must reach its data dir.
  const stops: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const step of stops.splice(0).reverse()) await step().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  };
  const variables = ['ITSM_TEST_PG_URL', 'ITSM_TEST_NATS_URLS', 'ITSM_TEST_NATS_CREDENTIALS_DIR'] as const;
  const environment = variables.map((variable) => [variable, process.env[variable]] as const);
  stops.push(async () => {
    for (const [name, value] of environment) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });
  try {
    const pg = { dir: join(dir, 'pg'), port: await freePort(), durable: true };
    let postgres = await infra.startPostgres(pg);
    stops.push(() => postgres.stop());
    // The broker runs with the suite's authorization, as in tests and deployments: every process meets its permissions.
    const auth = ensureLocalIdentities(join(dir, 'nats-auth'), { trustAdminActors: true });
    const configFile = join(dir, 'nats-authorization.conf');
    writeFileSync(configFile, auth.authorization, { mode: 0o600 });
    const natsSettings = { dir: join(dir, 'nats'), port: await freePort(), configFile };
    let nats = await infra.startNats(natsSettings);
    stops.push(() => nats.stop());
    process.env['ITSM_TEST_PG_URL'] = postgres.url;
    process.env['ITSM_TEST_NATS_URLS'] = nats.url;
    process.env['ITSM_TEST_NATS_CREDENTIALS_DIR'] = auth.credentialsDir;
    const database = await createTestDatabase();
    stops.push(() => database.drop());
    return {
      dir,
      postgresUrl: postgres.url,
      natsUrl: nats.url,
      database,
      async restartPostgres(downMs = 0) {
        const postmaster = Number(readFileSync(join(postgres.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
        process.kill(postmaster, 'SIGQUIT');
        await waitFor(() => !isAlive(postmaster), { timeoutMs: 60_000, what: 'PostgreSQL to go down' });
        await sleep(downMs);
        postgres = await infra.startPostgres(pg);
      },
      async restartNats(downMs = 0) {
        await nats.stop();
        await sleep(downMs);
        nats = await infra.startNats(natsSettings);
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

'use strict';
/**
 * Jest globalSetup of the `integration` project: starts private servers on free ports in a fresh temp dir,
 * one PostgreSQL (fsync off) shared by all workers and one JetStream nats-server per jest worker (stream names
 * are fixed, so test files running in parallel must not share a broker). Sets, for the workers:
 *
 *   ITSM_TEST_PG_URL            postgres://postgres@127.0.0.1:PORT/postgres (trust auth). Shared by all workers:
 *                               a test file creates its own database (e.g. `itsm_test_<random>`) and drops it.
 *   ITSM_TEST_NATS_URLS         nats://127.0.0.1:PORT,... one per worker. A test uses entry JEST_WORKER_ID - 1:
 *                                 const urls = process.env.ITSM_TEST_NATS_URLS.split(',');
 *                                 const url = urls[(Number(process.env.JEST_WORKER_ID ?? '1') - 1) % urls.length];
 *   ITSM_TEST_NATS_PORTS        the client ports, same order.
 *   ITSM_TEST_NATS_DIRS         the JetStream store dirs (-sd), same order.
 *   ITSM_TEST_NATS_MONITOR_URLS http://127.0.0.1:PORT monitoring endpoints (/healthz, /jsz), same order.
 *   ITSM_TEST_NATS_SERVERS      JSON array, same order, of { url, port, monitorPort, storeDir, pidFile, command }.
 *                               To restart a broker (chaos tests): kill the pid in pidFile, then spawn
 *                               command[0] with command.slice(1) (same port, store and pid file); the
 *                               teardown stops a broker started that way too.
 *   ITSM_TEST_NATS_CREDENTIALS_DIR  nkey seeds of every identity of the suite (`<identity>.nk`): the brokers run
 *                               with authorization on (tools/nats-config.ts), a connection without a listed key is
 *                               refused. Services read theirs through NATS_CREDENTIALS_DIR; test code connects as
 *                               `admin` (testNatsOptions / connectTestNats).
 *   ITSM_TEST_TMPDIR            scratch directory, removed by the teardown.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { freePort, freePorts, installHint, ROOT, startNats, startPostgres } = require('../../../tools/infra');
const { STATE_KEY, stopTestInfra } = require('./global-teardown');

const TMP_PREFIX = 'itsm-test-';
const STALE_AFTER_MS = 6 * 60 * 60 * 1000;

function pidAlive(file) {
  try {
    const pid = Number.parseInt(fs.readFileSync(file, 'utf8'), 10);
    if (!Number.isInteger(pid) || pid <= 0) return false;
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return Boolean(error && error.code === 'EPERM');
  }
}

/** Removes directories of earlier runs that were killed before their teardown (old, and no server alive). */
function sweepStaleDirs() {
  let entries = [];
  try {
    entries = fs.readdirSync(os.tmpdir()).filter((name) => name.startsWith(TMP_PREFIX));
  } catch {
    return;
  }
  for (const name of entries) {
    const dir = path.join(os.tmpdir(), name);
    try {
      if (Date.now() - fs.statSync(dir).mtimeMs < STALE_AFTER_MS) continue;
      const pidFiles = [path.join(dir, 'postgres', 'data', 'postmaster.pid')];
      for (const sub of fs.readdirSync(dir)) if (sub.startsWith('nats-')) pidFiles.push(path.join(dir, sub, 'nats-server.pid'));
      if (pidFiles.some(pidAlive)) continue;
      fs.rmSync(dir, { recursive: true, force: true });
    } catch {
      // Another run's directory, or one that went away meanwhile: leave it.
    }
  }
}

/** Runs start(port) with the given port, then with fresh ones if the port was taken meanwhile. */
async function withPortRetry(firstPort, start, attempts = 3) {
  let port = firstPort;
  for (let attempt = 1; ; attempt++) {
    try {
      return await start(port);
    } catch (error) {
      if (attempt >= attempts) throw error;
      port = await freePort();
    }
  }
}

async function globalSetup(globalConfig) {
  const hint = installHint();
  if (hint) throw new Error(hint);

  sweepStaleDirs();
  const workers = Math.max(1, Number(globalConfig && globalConfig.maxWorkers) || 1);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), TMP_PREFIX));
  fs.chmodSync(tmp, 0o755); // PostgreSQL runs as another user when jest runs as root
  const state = { tmp, postgres: undefined, nats: [], signalHandler: undefined };
  globalThis[STATE_KEY] = state;

  // Ctrl-C skips the teardown: stop the servers here, or PostgreSQL (a daemon) would outlive the run.
  state.signalHandler = (signal) => {
    for (const broker of state.nats.filter(Boolean)) broker.stopSync();
    if (state.postgres) state.postgres.stopSync();
    fs.rmSync(tmp, { recursive: true, force: true });
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', state.signalHandler);
  process.once('SIGTERM', state.signalHandler);

  const authDir = path.join(tmp, 'nats-auth');
  try {
    brokerAuthorization(authDir);
    const ports = await freePorts(1 + 2 * workers);
    const started = await Promise.allSettled([
      withPortRetry(ports[0], (port) => startPostgres({ dir: path.join(tmp, 'postgres'), port, durable: false })).then((pg) => {
        state.postgres = pg;
      }),
      ...Array.from({ length: workers }, (_, index) =>
        withPortRetry(ports[1 + 2 * index], async (port) => {
          const monitorPort = port === ports[1 + 2 * index] ? ports[2 + 2 * index] : await freePort();
          return startNats({ dir: path.join(tmp, `nats-${index + 1}`), port, monitorPort, configFile: path.join(authDir, 'authorization.conf') });
        }).then((broker) => {
          state.nats[index] = broker;
        }),
      ),
    ]);
    const failed = started.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
  } catch (error) {
    state.nats = state.nats.filter(Boolean);
    delete globalThis[STATE_KEY];
    await stopTestInfra(state);
    throw error;
  }

  const list = (pick) => state.nats.map(pick).join(',');
  process.env.ITSM_TEST_PG_URL = state.postgres.url;
  process.env.ITSM_TEST_NATS_URLS = list((broker) => broker.url);
  process.env.ITSM_TEST_NATS_PORTS = list((broker) => broker.port);
  process.env.ITSM_TEST_NATS_DIRS = list((broker) => broker.dir);
  process.env.ITSM_TEST_NATS_MONITOR_URLS = list((broker) => `http://127.0.0.1:${broker.monitorPort}`);
  process.env.ITSM_TEST_NATS_SERVERS = JSON.stringify(
    state.nats.map((broker) => ({
      url: broker.url,
      port: broker.port,
      monitorPort: broker.monitorPort,
      storeDir: broker.dir,
      pidFile: broker.pidFile,
      command: broker.command,
    })),
  );
  process.env.ITSM_TEST_NATS_CREDENTIALS_DIR = path.join(authDir, 'credentials');
  process.env.ITSM_TEST_TMPDIR = tmp;
}

/** Keys of every identity and the broker's authorization block rendered from the contracts, into `dir`. */
function brokerAuthorization(dir) {
  const result = spawnSync(process.execPath, ['-r', '@swc-node/register', path.join(ROOT, 'tools', 'nats-config.ts'), 'local', dir, '--trust-admin'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`tools/nats-config.ts local failed (exit ${result.status}):\n${result.stderr || result.stdout}`);
}

module.exports = globalSetup;

'use strict';
/**
 * Jest globalTeardown of the `integration` project: stops the servers of global-setup.js (including a broker
 * that a test restarted with the same command, found through its pid file) and removes their directory.
 */
const fs = require('node:fs');

const STATE_KEY = '__ITSM_TEST_INFRA__';

function isNatsServerPid(pid) {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('nats-server');
  } catch {
    return false;
  }
}

/** SIGTERM to a nats-server that a test started in place of ours (same pid file), SIGKILL if it lingers. */
async function stopRestartedBroker(broker) {
  let pid;
  try {
    pid = Number.parseInt(fs.readFileSync(broker.pidFile, 'utf8'), 10);
  } catch {
    return;
  }
  if (!Number.isInteger(pid) || pid <= 0 || pid === broker.pid || !isNatsServerPid(pid)) return;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  for (let waited = 0; waited < 10_000 && isNatsServerPid(pid); waited += 100) await new Promise((resolve) => setTimeout(resolve, 100));
  if (isNatsServerPid(pid)) process.kill(pid, 'SIGKILL');
}

/** Stops everything in `state` (also after a partial start); returns the errors instead of throwing. */
async function stopTestInfra(state) {
  const errors = [];
  const attempt = (work) => work().catch((error) => errors.push(error));
  await Promise.all(state.nats.map((broker) => attempt(async () => {
    await broker.stop();
    await stopRestartedBroker(broker);
  })));
  if (state.postgres) await attempt(() => state.postgres.stop());
  if (state.signalHandler) {
    process.removeListener('SIGINT', state.signalHandler);
    process.removeListener('SIGTERM', state.signalHandler);
  }
  try {
    fs.rmSync(state.tmp, { recursive: true, force: true });
  } catch (error) {
    errors.push(error);
  }
  return errors;
}

const SERVER_GONE = new Set(['57P01', '57P02', '57P03', 'ECONNRESET', 'ECONNREFUSED', 'EPIPE']);

/**
 * With --runInBand the tests share this process: a connection a test left open fails with "terminating
 * connection due to administrator command" when PostgreSQL stops, and its unhandled 'error' event must not
 * end the process before the cleanup is done.
 */
function tolerateClosedConnections() {
  const isServerGone = (error) => Boolean(error) && (SERVER_GONE.has(error.code) || /Connection terminated/i.test(String(error.message)));
  process.on('uncaughtException', (error) => {
    // An error object from a test's realm is not an Error here: Node wraps it as ERR_UNHANDLED_ERROR.
    if (isServerGone(error) || (error && error.code === 'ERR_UNHANDLED_ERROR' && isServerGone(error.context))) return;
    console.error(error);
    process.exitCode = 1;
  });
}

/** Connections whose name contains this try what their permissions forbid on purpose (the security tests). */
const PROBE_MARK = 'probe';

/**
 * Permission violations the brokers logged for connections other than deliberate probes: a process of the suite
 * used a subject its permissions (generated from libs/contracts) do not allow.
 */
function permissionViolations(state) {
  const found = [];
  let identities = {};
  try {
    identities = JSON.parse(fs.readFileSync(require('node:path').join(state.tmp, 'nats-auth', 'public-keys.json'), 'utf8'));
  } catch {
    identities = {};
  }
  const named = (line) => Object.entries(identities).reduce((text, [identity, key]) => text.replace(`Nkey "${key}"`, `identity "${identity}"`), line);
  for (const broker of state.nats) {
    let log = '';
    try {
      log = fs.readFileSync(broker.logFile, 'utf8');
    } catch {
      continue;
    }
    for (const line of log.split('\n')) {
      if (/Violation/.test(line) && !line.includes(PROBE_MARK)) found.push(named(line.trim()));
    }
  }
  return found;
}

async function globalTeardown() {
  const state = globalThis[STATE_KEY];
  if (!state) return;
  delete globalThis[STATE_KEY];
  tolerateClosedConnections();
  const violations = permissionViolations(state);
  const errors = await stopTestInfra(state);
  for (const error of errors) console.warn(`integration teardown: ${error.message}`);
  if (violations.length > 0) {
    throw new Error(
      `the brokers refused ${violations.length} operation(s) that the suite's own processes tried: a subject is used that ` +
        `its permissions (libs/contracts bus-access.ts) do not allow:\n${[...new Set(violations)].slice(0, 30).join('\n')}`,
    );
  }
}

module.exports = globalTeardown;
module.exports.stopTestInfra = stopTestInfra;
module.exports.STATE_KEY = STATE_KEY;
module.exports.PROBE_MARK = PROBE_MARK;

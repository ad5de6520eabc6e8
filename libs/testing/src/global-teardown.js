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

async function globalTeardown() {
  const state = globalThis[STATE_KEY];
  if (!state) return;
  delete globalThis[STATE_KEY];
  const errors = await stopTestInfra(state);
  for (const error of errors) console.warn(`integration teardown: ${error.message}`);
}

module.exports = globalTeardown;
module.exports.stopTestInfra = stopTestInfra;
module.exports.STATE_KEY = STATE_KEY;

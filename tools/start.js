'use strict';
/**
 * `npm start`: builds, finds or starts PostgreSQL and NATS, then runs the gateway and the seven services on
 * this machine until Ctrl-C.
 *
 * Infrastructure: DATABASE_URL / NATS_URL when set; else the shared PostgreSQL on 127.0.0.1:5432 when it
 * answers and lets user postgres in without a password (ITSM_PROBE_PG_PORT changes the port looked at, 0 skips
 * the look); else private servers on free ports with their data in .data/postgres and .data/nats, kept from one
 * start to the next (their binaries installed first when missing: infra.ensureServers). NATS is never taken
 * from a shared server, which would not enforce the suite's permissions: the private broker runs with the
 * authorization generated from libs/contracts (keys in .data/nats-auth, given to the apps as
 * NATS_CREDENTIALS_DIR), plain on 127.0.0.1, or with TLS when ITSM_NATS_TLS=1 (local CA in .data/nats-tls; the
 * apps get a tls:// URL and NATS_TLS_CA_FILE). With NATS_URL set, the NATS_* settings of the environment apply.
 * LOG_FORMAT=json passes the services' JSON log lines through unchanged. `--no-build` skips the build.
 */
const fs = require('node:fs');
const http = require('node:http');
const crypto = require('node:crypto');
const path = require('node:path');
const readline = require('node:readline');
const { spawn, spawnSync } = require('node:child_process');
const infra = require('./infra');
const natsTls = require('./nats-tls');
const { APPS, SERVICE_NAMES } = require('./apps');

const { ROOT, DATA_DIR } = infra;
const LOCALHOST = '127.0.0.1';
const READY_TIMEOUT_MS = 90_000;
const STOP_TIMEOUT_MS = 30_000;
const SERVICES = SERVICE_NAMES.map((name) => [name, APPS[name].defaultPort]);
const PINO_LEVELS = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };

const jsonLogs = (process.env.LOG_FORMAT || '').toLowerCase() === 'json';
const color = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR && !jsonLogs;
const paint = (code, text) => (color ? `\u001b[${code}m${text}\u001b[0m` : text);
const LEVEL_COLORS = { trace: 90, debug: 90, info: 32, warn: 33, error: 31, fatal: 31 };
const NAME_WIDTH = 12;

const state = {
  phase: 'build',
  stopping: false,
  firstSignalAt: 0,
  build: undefined,
  apps: [],
  embedded: [],
  pending: new Set(),
};

/** Our own messages: stdout, or stderr when stdout carries raw JSON log lines. */
function say(message = '') {
  (jsonLogs ? process.stderr : process.stdout).write(`${message}\n`);
}

function sayError(message) {
  process.stderr.write(`${message}\n`);
}

const redact = (url) => {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url;
  }
};

// ---------------------------------------------------------------------------------------------- build

function build() {
  if (process.argv.includes('--no-build')) return Promise.resolve();
  say('Building (npx nx run-many -t build)...');
  return new Promise((resolve) => {
    const child = spawn('npx', ['nx', 'run-many', '-t', 'build'], {
      cwd: ROOT,
      stdio: 'inherit',
      env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
    });
    state.build = child;
    child.once('error', (error) => {
      sayError(`Could not run the build: ${error.message}`);
      process.exit(1);
    });
    child.once('exit', (code, signal) => {
      state.build = undefined;
      if (state.stopping) return;
      if (code !== 0) {
        sayError(`The build failed (${code === null ? signal : `exit ${code}`}).`);
        process.exit(code || 1);
      }
      resolve();
    });
  });
}

function checkDists(apps) {
  const missing = apps.filter((app) => !fs.existsSync(path.join(ROOT, app.main)));
  if (missing.length === 0) return;
  for (const app of missing) sayError(`${app.main} is missing after the build: apps/${app.name}/src/main.ts must exist and compile.`);
  process.exit(1);
}

async function checkPortsFree(apps) {
  const busy = [];
  await Promise.all(
    apps.map(async (app) => {
      if (await infra.isPortOpen(LOCALHOST, app.port, 500)) busy.push(app);
    }),
  );
  if (busy.length === 0) return;
  for (const app of busy) {
    sayError(`Port ${app.port} (${app.name}${app.name === 'gateway' ? '' : ' health'}) is already in use: is the suite already running? Stop what holds it first.`);
  }
  process.exit(1);
}

// ------------------------------------------------------------------------------------- infrastructure

function track(promise) {
  state.pending.add(promise);
  promise.then(
    () => state.pending.delete(promise),
    () => state.pending.delete(promise),
  );
  return promise;
}

function probePort(variable, fallback) {
  const value = process.env[variable];
  if (value === undefined || value === '') return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    sayError(`${variable} must be a port number (0 skips the look for a shared server), not "${value}"`);
    process.exit(1);
  }
  return port;
}

/**
 * Whether the server on 127.0.0.1:port turns user `postgres` without a password away (any other failure is left
 * to ensureDatabase to report). A distribution's own cluster, as the Debian package starts it, asks for a
 * password over TCP.
 */
async function refusesPostgresUser(port) {
  const { Client } = require('pg');
  const client = new Client({ connectionString: `postgres://postgres@${LOCALHOST}:${port}/postgres`, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
    return false;
  } catch (error) {
    return error.code === '28P01' || error.code === '28000' || /password/i.test(error.message);
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function chooseInfrastructure() {
  const infraState = {
    databaseUrl: process.env.DATABASE_URL || undefined,
    natsUrl: process.env.NATS_URL || undefined,
    databaseFrom: 'DATABASE_URL',
    natsFrom: 'NATS_URL',
  };
  const pgPort = probePort('ITSM_PROBE_PG_PORT', 5432);
  if (!infraState.databaseUrl && pgPort > 0 && (await infra.isPortOpen(LOCALHOST, pgPort, 500))) {
    if (await refusesPostgresUser(pgPort)) {
      say(`PostgreSQL on ${LOCALHOST}:${pgPort} does not let user postgres in without a password: using a private one (set DATABASE_URL to use that server)`);
    } else {
      infraState.databaseUrl = `postgres://postgres@${LOCALHOST}:${pgPort}/itsm`;
      infraState.databaseFrom = `server found on ${LOCALHOST}:${pgPort}`;
    }
  }
  infraState.natsEnv = {};

  const needPostgres = !infraState.databaseUrl;
  const needNats = !infraState.natsUrl;
  if (!needPostgres && !needNats) return infraState;
  const servers = await infra.ensureServers({ postgres: needPostgres, nats: needNats }, { print: say });
  if (!servers.ok) {
    sayError(servers.message);
    process.exit(1);
  }

  fs.mkdirSync(DATA_DIR, { recursive: true });
  const [pgFree, natsFree] = await infra.freePorts(2);
  const starts = [];
  if (needPostgres) {
    const pgHome = infra.postgresDataHome();
    const shown = path.relative(ROOT, pgHome).startsWith('..') ? pgHome : path.relative(ROOT, pgHome);
    say(`Starting PostgreSQL (data in ${shown})...`);
    starts.push(
      track(infra.startPostgres({ dir: pgHome, port: pgFree, durable: true })).then((server) => {
        state.embedded.push({ name: 'PostgreSQL', server });
        infraState.databaseUrl = `postgres://postgres@${LOCALHOST}:${server.port}/itsm`;
        infraState.databaseFrom = `private server, data in ${shown}`;
      }),
    );
  }
  if (needNats) {
    const tls = natsTlsRequested();
    const broker = prepareBroker({ tls });
    say(`Starting NATS with JetStream, the suite's authorization${tls ? ' and TLS' : ''} (store in .data/nats; a NATS already running here is not used, set NATS_URL for that)...`);
    starts.push(
      track(infra.startNats({ dir: path.join(DATA_DIR, 'nats'), port: natsFree, configFile: broker.configFile, detached: true })).then((server) => {
        state.embedded.push({ name: 'NATS', server });
        infraState.natsUrl = privateNatsUrl(server.port, broker.tls);
        infraState.natsEnv = brokerEnvironment(broker);
        infraState.natsFrom = `private server, store in .data/nats, keys in .data/nats-auth${broker.tls ? ', TLS (CA .data/nats-tls/ca.pem)' : ''}`;
      }),
    );
  }
  const results = await Promise.allSettled(starts);
  const failed = results.find((result) => result.status === 'rejected');
  if (failed) throw failed.reason;
  return infraState;
}

/** ITSM_NATS_TLS=1 (or true, yes, on): the private broker of `npm start` speaks TLS only. */
function natsTlsRequested(value = process.env.ITSM_NATS_TLS) {
  const setting = (value || '').trim().toLowerCase();
  if (['', '0', 'false', 'no', 'off'].includes(setting)) return false;
  if (['1', 'true', 'yes', 'on'].includes(setting)) return true;
  sayError(`ITSM_NATS_TLS must be 1 or 0, not "${value}"`);
  process.exit(1);
}

/**
 * The private broker's configuration: the suite's keys and authorization (tools/nats-config.ts local, kept in
 * .data/nats-auth from one start to the next), and with `tls` a CA and certificates for 127.0.0.1 in .data/nats-tls.
 */
function prepareBroker({ tls, dataDir = DATA_DIR }) {
  const authDir = path.join(dataDir, 'nats-auth');
  const result = spawnSync(process.execPath, ['-r', '@swc-node/register', path.join(ROOT, 'tools', 'nats-config.ts'), 'local', authDir], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (result.status !== 0) throw new Error(`Cannot write the NATS authorization into ${authDir}: ${(result.stderr || result.stdout || '').trim().split('\n').slice(-3).join(' ')}`);
  const material = tls ? natsTls.ensureTlsMaterial(path.join(dataDir, 'nats-tls')) : undefined;
  const configFile = natsTls.writeBrokerConfig(path.join(authDir, 'broker.conf'), {
    authorizationFile: path.join(authDir, 'authorization.conf'),
    tls: material && { certFile: material.certFile, keyFile: material.keyFile, caFile: material.caFile },
  });
  return { configFile, credentialsDir: path.join(authDir, 'credentials'), tls: material };
}

/** URL of the private broker: tls:// when it speaks TLS, so that the apps insist on it. */
function privateNatsUrl(port, tls) {
  return `${tls ? 'tls' : 'nats'}://${LOCALHOST}:${port}`;
}

/** What every app needs to sign in to the private broker, and to verify it when it speaks TLS. */
function brokerEnvironment({ credentialsDir, tls }) {
  return { NATS_CREDENTIALS_DIR: credentialsDir, ...(tls ? { NATS_TLS_CA_FILE: tls.caFile } : {}) };
}

/** Creates the database named in DATABASE_URL when the server does not have it yet. */
async function ensureDatabase(databaseUrl) {
  const { Client } = require('pg');
  const target = new URL(databaseUrl);
  const name = decodeURIComponent(target.pathname.replace(/^\//, ''));
  if (!name) return;
  const admin = new URL(databaseUrl);
  admin.pathname = '/postgres';

  const connect = async (url) => {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const client = new Client({ connectionString: url.toString(), connectionTimeoutMillis: 5_000 });
      try {
        await client.connect();
        return client;
      } catch (error) {
        await client.end().catch(() => undefined);
        // A server that is still starting answers 57P03; one that is not listening yet refuses the connection.
        const transient = error.code === '57P03' || error.code === 'ECONNREFUSED';
        if (!transient || Date.now() > deadline) throw error;
        await infra.sleep(500);
      }
    }
  };

  let client;
  try {
    client = await connect(admin);
  } catch (error) {
    // No `postgres` database or no right to it: the target database may still exist.
    try {
      const direct = await connect(target);
      await direct.end();
      return;
    } catch {
      throw new Error(`Cannot connect to PostgreSQL at ${redact(admin.toString())}: ${error.message}`);
    }
  }
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) {
      say(`Creating database ${name}...`);
      await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`).catch((error) => {
        if (error.code !== '42P04') throw new Error(`Cannot create database ${name}: ${error.message}`);
      });
    }
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Gives every service its own role and schema in the database (as the administrator of DATABASE_URL) and returns
 * each service's own URL. Passwords are made only when the administrator logs in with one (the server then
 * likely asks the roles for one too); they are kept in .data/database-passwords.json (mode 0600), never shown.
 */
async function provisionServiceRoles(adminUrl) {
  const { provisionDatabase, serviceDatabaseUrl } = require(path.join(ROOT, 'libs', 'persistence', 'dist', 'provisioning.js'));
  let passwords = {};
  if (new URL(adminUrl).password) {
    const file = path.join(DATA_DIR, 'database-passwords.json');
    if (fs.existsSync(file)) passwords = JSON.parse(fs.readFileSync(file, 'utf8'));
    const missing = SERVICE_NAMES.filter((name) => !passwords[name]);
    if (missing.length > 0) {
      for (const name of missing) passwords[name] = crypto.randomBytes(24).toString('hex');
      fs.mkdirSync(DATA_DIR, { recursive: true });
      fs.writeFileSync(file, `${JSON.stringify(passwords, null, 2)}\n`, { mode: 0o600 });
    }
    fs.chmodSync(file, 0o600);
  }
  await provisionDatabase(
    adminUrl,
    SERVICE_NAMES.map((service) => ({ service, password: passwords[service] })),
  ).catch((error) => {
    throw new Error(`Cannot give the services their database roles at ${redact(adminUrl)}: ${error.message}`);
  });
  return Object.fromEntries(SERVICE_NAMES.map((service) => [service, serviceDatabaseUrl(adminUrl, service, passwords[service])]));
}

// ----------------------------------------------------------------------------------------------- apps

function formatLine(app, line) {
  let entry;
  try {
    entry = JSON.parse(line);
  } catch {
    entry = undefined;
  }
  const name = paint(36, app.name.padEnd(NAME_WIDTH));
  if (!entry || typeof entry !== 'object' || Array.isArray(entry)) return `${name} ${line}`;
  const level = String(typeof entry.level === 'number' ? PINO_LEVELS[entry.level] || entry.level : entry.level || '');
  let text = `${name} ${paint(LEVEL_COLORS[level] || 0, level.padEnd(5))} ${entry.msg === undefined ? '' : entry.msg}`;
  const err = entry.err;
  const errMessage = err && typeof err === 'object' ? err.message : typeof err === 'string' ? err : undefined;
  if (errMessage && errMessage !== entry.msg) text += `: ${errMessage}`;
  // Access log lines of the gateway.
  if (entry.method && entry.path && entry.status !== undefined) {
    text += ` ${entry.method} ${entry.path} ${entry.status}${entry.durationMs === undefined ? '' : ` ${entry.durationMs} ms`}`;
  }
  return text;
}

function remember(app, line) {
  app.lastLines.push(line);
  if (app.lastLines.length > 40) app.lastLines.shift();
}

/**
 * The apps `npm start` runs, each with its own part of the environment: a service's HEALTH_PORT and HOST=127.0.0.1,
 * as its port serves health and metrics only and need not be seen from other machines; the gateway's PORT, its
 * HOST left as set (default 0.0.0.0, the API).
 */
function plannedApps(gatewayPort) {
  return [
    ...SERVICES.map(([name, port]) => ({ name, port, env: { HEALTH_PORT: String(port), HOST: LOCALHOST } })),
    { name: 'gateway', port: gatewayPort, env: { PORT: String(gatewayPort) } },
  ].map((app) => ({
    ...app,
    main: path.join('apps', app.name, 'dist', 'main.js'),
    readyUrl: `http://${LOCALHOST}:${app.port}/health/ready`,
    lastLines: [],
  }));
}

/** The whole environment of one app: ours, then what every app shares (database, NATS, secret), then its own. */
function appEnvironment(app, shared, parent = process.env) {
  return { ...parent, ...shared, ...app.env };
}

function spawnApp(app, env) {
  const child = spawn(process.execPath, [app.main], {
    cwd: ROOT,
    env: appEnvironment(app, env),
    stdio: ['ignore', 'pipe', 'pipe'],
    // Own process group: Ctrl-C reaches start.js only, which stops the children in order.
    detached: true,
  });
  app.child = child;
  app.exited = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      app.exit = { code, signal };
      resolve(app.exit);
      onAppExit(app);
    });
    child.once('error', (error) => {
      app.exit = { code: -1, signal: null, error };
      resolve(app.exit);
      onAppExit(app);
    });
  });
  readline.createInterface({ input: child.stdout, crlfDelay: Infinity }).on('line', (line) => {
    remember(app, line);
    process.stdout.write(`${jsonLogs ? line : formatLine(app, line)}\n`);
  });
  readline.createInterface({ input: child.stderr, crlfDelay: Infinity }).on('line', (line) => {
    remember(app, line);
    process.stderr.write(`${app.name.padEnd(NAME_WIDTH)} ${line}\n`);
  });
}

const describeExit = (exit) => (exit.error ? exit.error.message : exit.code !== null ? `exit code ${exit.code}` : `signal ${exit.signal}`);

function onAppExit(app) {
  if (state.stopping) return;
  // Let the last lines of output arrive before quoting them.
  setTimeout(() => {
    if (state.stopping) return;
    const when = state.phase === 'running' ? 'unexpectedly' : 'during start';
    sayError(`\n${app.name} exited ${when} (${describeExit(app.exit)}). Its last lines:`);
    for (const line of app.lastLines.slice(-20)) sayError(`  ${line}`);
    void shutdown(1, 'Stopping the suite.');
  }, 100);
}

function httpOk(url, timeoutMs) {
  return new Promise((resolve) => {
    const request = http.get(url, { timeout: timeoutMs }, (response) => {
      response.resume();
      resolve(response.statusCode === 200);
    });
    request.once('timeout', () => request.destroy());
    request.once('error', () => resolve(false));
  });
}

async function waitUntilReady(apps) {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  const waiting = new Set(apps);
  while (waiting.size > 0) {
    if (state.stopping) return false;
    await Promise.all(
      [...waiting].map(async (app) => {
        if (await httpOk(app.readyUrl, 2_000)) waiting.delete(app);
      }),
    );
    if (waiting.size === 0) break;
    if (Date.now() > deadline) {
      sayError(`\nNot ready after ${READY_TIMEOUT_MS / 1000} s: ${[...waiting].map((app) => `${app.name} (${app.readyUrl})`).join(', ')}`);
      for (const app of waiting) {
        sayError(`Last lines of ${app.name}:`);
        for (const line of app.lastLines.slice(-10)) sayError(`  ${line}`);
      }
      await shutdown(1, 'Stopping the suite.');
      return false;
    }
    await infra.sleep(500);
  }
  return !state.stopping;
}

function banner(apps, infraState, gatewayPort) {
  const base = `http://${LOCALHOST}:${gatewayPort}`;
  const lines = [
    '',
    paint(1, 'ITSM suite is running'),
    `  API        ${base}/v1`,
    `  Docs       ${base}/docs`,
    `  OpenAPI    ${base}/openapi.json`,
    `  AsyncAPI   ${base}/asyncapi.json`,
    '  Health',
    ...apps.map((app) => `    ${app.name.padEnd(NAME_WIDTH)} ${app.readyUrl}`),
    `  PostgreSQL ${redact(infraState.databaseUrl)} (${infraState.databaseFrom})`,
    `  NATS       ${infraState.natsUrl} (${infraState.natsFrom})`,
    '  Token      npm run token -- --role agent --sub alice',
    '  Stop       Ctrl-C',
    '',
  ];
  say(lines.join('\n'));
}

// ------------------------------------------------------------------------------------------- shutdown

const alive = (app) => app.child && !app.exit;

async function shutdown(code, reason) {
  if (state.stopping) return;
  state.stopping = true;
  if (reason) say(reason);
  if (state.build) state.build.kill('SIGTERM');

  const running = state.apps.filter(alive);
  if (running.length > 0) {
    say(`Stopping ${running.map((app) => app.name).join(', ')}...`);
    for (const app of running) app.child.kill('SIGTERM');
    const all = Promise.all(running.map((app) => app.exited));
    const timedOut = await Promise.race([all.then(() => false), infra.sleep(STOP_TIMEOUT_MS).then(() => true)]);
    if (timedOut) {
      const stuck = running.filter(alive);
      sayError(`Still running after ${STOP_TIMEOUT_MS / 1000} s, killing: ${stuck.map((app) => app.name).join(', ')}`);
      for (const app of stuck) app.child.kill('SIGKILL');
      await all;
    }
  }

  await Promise.allSettled([...state.pending]);
  const servers = state.embedded.splice(0);
  if (servers.length > 0) say(`Stopping ${servers.map((entry) => entry.name).join(' and ')}...`);
  const stops = await Promise.allSettled(servers.map((entry) => entry.server.stop()));
  for (const result of stops) if (result.status === 'rejected') sayError(result.reason.message);
  process.exit(code);
}

/** Second Ctrl-C: no more waiting. */
function forceExit() {
  sayError('Forced exit.');
  for (const app of state.apps.filter(alive)) app.child.kill('SIGKILL');
  if (state.build) state.build.kill('SIGKILL');
  for (const entry of state.embedded.splice(0)) entry.server.stopSync();
  process.exit(130);
}

function onSignal(signal) {
  const now = Date.now();
  if (!state.stopping) {
    state.firstSignalAt = now;
    void shutdown(0, `\n${signal}: stopping (Ctrl-C again to force)...`);
    return;
  }
  // The same Ctrl-C can arrive twice (from the terminal and forwarded by npm): only a later one forces.
  if (now - state.firstSignalAt > 1_000) forceExit();
}

// ----------------------------------------------------------------------------------------------- main

async function main() {
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);
  // Under `npm start`, a SIGTERM to npm ends the shell between npm and us, without telling us: watch for it.
  if (process.env.npm_lifecycle_event) {
    const parent = process.ppid;
    setInterval(() => {
      if (process.ppid !== parent && !state.stopping) onSignal('SIGTERM');
    }, 1_000).unref();
  }
  process.on('exit', () => {
    for (const app of state.apps.filter(alive)) app.child.kill('SIGKILL');
    for (const entry of state.embedded.splice(0)) entry.server.stopSync();
  });

  const gatewayPort = process.env.PORT ? Number(process.env.PORT) : APPS.gateway.defaultPort;
  if (!Number.isInteger(gatewayPort) || gatewayPort < 1 || gatewayPort > 65535) {
    sayError(`PORT must be a port number, not "${process.env.PORT}"`);
    process.exit(1);
  }
  const apps = plannedApps(gatewayPort);

  await build();
  if (state.stopping) return;
  checkDists(apps);
  await checkPortsFree(apps);

  const { secret } = infra.ensureJwtSecret();
  state.phase = 'infrastructure';
  const infraState = await chooseInfrastructure();
  if (state.stopping) return;
  await ensureDatabase(infraState.databaseUrl);
  if (state.stopping) return;
  // Each service connects as its own role, which owns its schema only; the administrator's URL stays here.
  const serviceUrls = await provisionServiceRoles(infraState.databaseUrl);
  for (const app of apps) if (serviceUrls[app.name]) app.env.DATABASE_URL = serviceUrls[app.name];
  if (state.stopping) return;

  state.phase = 'starting';
  say(`Starting ${apps.map((app) => app.name).join(', ')}...`);
  state.apps = apps;
  // API keys work out of the box: their hash key is derived from the local token secret (set API_KEY_HASH_SECRET to choose one).
  const apiKeyHashSecret = process.env.API_KEY_HASH_SECRET || crypto.createHmac('sha256', secret).update('itsm api keys').digest('hex');
  const env = { NATS_URL: infraState.natsUrl, ...infraState.natsEnv, JWT_SECRET: secret, API_KEY_HASH_SECRET: apiKeyHashSecret };
  for (const app of apps) spawnApp(app, env);
  if (!(await waitUntilReady(apps))) return;
  state.phase = 'running';
  banner(apps, infraState, gatewayPort);
}

module.exports = { plannedApps, appEnvironment, natsTlsRequested, prepareBroker, privateNatsUrl, brokerEnvironment, provisionServiceRoles };

if (require.main === module) {
  main().catch((error) => {
    sayError(error && error.message ? error.message : String(error));
    void shutdown(1);
  });
}

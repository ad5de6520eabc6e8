// Plain CommonJS (`npm start` runs it without a build step).
const { plannedApps, appEnvironment } = require('./start') as {
  plannedApps(gatewayPort: number): Array<{ name: string; port: number; env: Record<string, string> }>;
  appEnvironment(app: { env: Record<string, string> }, shared: Record<string, string>, parent?: Record<string, string | undefined>): Record<string, string | undefined>;
};
const { SERVICE_NAMES } = require('./apps') as { SERVICE_NAMES: string[] };

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

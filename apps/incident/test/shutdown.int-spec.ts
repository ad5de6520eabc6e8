import { createTestDatabase, freePort, serviceTestEnv, spawnApp, type TestDatabase, waitFor, waitUntilReady } from '@itsm/testing';

describe('incident service on SIGTERM', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
  });

  afterAll(async () => {
    await database.drop();
  });

  it('fails readiness first, stays alive for SHUTDOWN_DELAY_MS, then exits 0', async () => {
    const port = await freePort();
    const service = spawnApp('incident', serviceTestEnv(database, { HEALTH_PORT: String(port), SHUTDOWN_DELAY_MS: '1500', LOG_LEVEL: 'info' }));
    await waitUntilReady(service, port);
    const signalledAt = Date.now();
    service.child.kill('SIGTERM');
    const notReady = await waitFor(async () => {
      const response = await fetch(`http://127.0.0.1:${port}/health/ready`);
      return response.status === 503 ? response : undefined;
    }, { timeoutMs: 1_000, intervalMs: 20, what: 'readiness to fail' });
    await expect(notReady.json()).resolves.toMatchObject({ status: 'error', error: { service: { status: 'down' } } });
    // Liveness holds during the delay, so the orchestrator does not restart it meanwhile.
    expect((await fetch(`http://127.0.0.1:${port}/health/live`)).status).toBe(200);
    await expect(service.exited).resolves.toBe(0);
    expect(Date.now() - signalledAt).toBeGreaterThanOrEqual(1_500);
    expect(service.output()).toContain('"msg":"incident stopped"');
  });
});

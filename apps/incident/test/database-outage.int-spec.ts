import type { NatsConnection } from 'nats';
import { ErrorCode, IncidentRpc, Role } from '@itsm/contracts';
import { RpcClient } from '@itsm/messaging';
import { buildCreateIncident, freePort, resetStreams, spawnApp, startPrivatePostgres, testNatsUrl, type PrivatePostgres, type ServiceProcess, waitFor, waitUntilReady, connectTestNats, testNatsCredentialsDir } from '@itsm/testing';

const actor = { sub: 'alice', roles: [Role.Requester] };

describe('incident service while its database restarts', () => {
  let postgres: PrivatePostgres;
  let nc: NatsConnection;
  let service: ServiceProcess;
  let port: number;

  beforeAll(async () => {
    postgres = await startPrivatePostgres();
    nc = await connectTestNats('db-outage-test');
    await resetStreams(nc);
    port = await freePort();
    service = spawnApp('incident', { DATABASE_URL: postgres.url, NATS_URL: testNatsUrl(), NATS_CREDENTIALS_DIR: testNatsCredentialsDir(), HEALTH_PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'silent' });
    await waitUntilReady(service, port);
  });

  afterAll(async () => {
    await service.kill('SIGTERM');
    await nc.drain();
    await postgres.destroy();
  });

  it('answers UNAVAILABLE and fails readiness while the database is down, and works again once it is back', async () => {
    const rpc = new RpcClient(nc, 10_000);
    await expect(rpc.call(IncidentRpc.create, buildCreateIncident(), { actor })).resolves.toMatchObject({ state: 'new' });

    await postgres.stop();
    await expect(rpc.call(IncidentRpc.create, buildCreateIncident(), { actor })).rejects.toMatchObject({ code: ErrorCode.UNAVAILABLE });
    const ready = await fetch(`http://127.0.0.1:${port}/health/ready`);
    expect(ready.status).toBe(503);
    await expect(ready.json()).resolves.toMatchObject({ error: { database: { status: 'down' } } });
    expect((await fetch(`http://127.0.0.1:${port}/health/live`)).status).toBe(200);

    await postgres.start();
    const created = await waitFor(() => rpc.call(IncidentRpc.create, buildCreateIncident(), { actor }).catch(() => undefined), {
      timeoutMs: 20_000,
      intervalMs: 250,
      what: 'a create after the restart',
    });
    expect(created.number).toMatch(/^INC\d{7}$/);
    await waitUntilReady(service, port);
  });
});

import type { NatsConnection } from 'nats';
import { IncidentEvents, IncidentRpc, Role } from '@itsm/contracts';
import { RpcClient } from '@itsm/messaging';
import { buildCreateIncident, createTestDatabase, freePort, readEvents, resetStreams, serviceTestEnv, spawnApp, type TestDatabase, waitFor, waitUntilReady, connectTestNats } from '@itsm/testing';

const actor = { sub: 'alice', roles: [Role.Requester] };

describe('incident service killed between commit and publish', () => {
  let database: TestDatabase;
  let nc: NatsConnection;

  beforeAll(async () => {
    database = await createTestDatabase();
    nc = await connectTestNats('crash-test');
    await resetStreams(nc);
  });

  afterAll(async () => {
    await nc.drain();
    await database.drop();
  });

  it('publishes the committed event exactly once after a restart', async () => {
    const port = await freePort();
    const env = serviceTestEnv(database, { HEALTH_PORT: String(port) });
    // This replica commits but never publishes: the state of a process that died right after the commit.
    const first = spawnApp('incident', { ...env, OUTBOX_RELAY_ENABLED: 'false' });
    await waitUntilReady(first, port);
    const created = await new RpcClient(nc, 5_000).call(IncidentRpc.create, buildCreateIncident(), { actor });
    await expect(first.kill('SIGKILL')).resolves.toBeNull();
    await expect(database.query(`SELECT count(*)::int AS n FROM incident.incidents WHERE id = $1`, [created.id])).resolves.toEqual([{ n: 1 }]);
    await expect(readEvents(nc, IncidentEvents.created.subject)).resolves.toHaveLength(0);

    const second = spawnApp('incident', env);
    try {
      await waitUntilReady(second, port);
      const events = await waitFor(async () => {
        const found = await readEvents(nc, IncidentEvents.created.subject);
        return found.length > 0 ? found : undefined;
      }, { what: 'the event after restart' });
      expect(events.map((m) => m.body.subject)).toEqual([created.id]);
      await waitFor(async () => {
        const [row] = await database.query<{ sent: boolean }>(`SELECT sent_at IS NOT NULL AS sent FROM incident.outbox`);
        return row?.sent;
      }, { what: 'the outbox row marked sent' });
    } finally {
      await expect(second.kill('SIGTERM')).resolves.toBe(0);
    }

    // A third start finds nothing left to publish.
    const third = spawnApp('incident', env);
    try {
      await waitUntilReady(third, port);
      await new Promise((resolve) => setTimeout(resolve, 500));
      await expect(readEvents(nc, IncidentEvents.created.subject)).resolves.toHaveLength(1);
    } finally {
      await third.kill('SIGTERM');
    }
  });

  it('re-publishes a row whose publish was not marked, and JetStream keeps one copy', async () => {
    const port = await freePort();
    const env = serviceTestEnv(database, { HEALTH_PORT: String(port) });
    const service = spawnApp('incident', env);
    try {
      await waitUntilReady(service, port);
      const created = await new RpcClient(nc, 5_000).call(IncidentRpc.create, buildCreateIncident(), { actor });
      await waitFor(async () => {
        const [row] = await database.query<{ sent: boolean }>(`SELECT sent_at IS NOT NULL AS sent FROM incident.outbox o WHERE o.envelope->>'subject' = $1`, [created.id]);
        return row?.sent;
      }, { what: 'the outbox row marked sent' });
      // As if the process had died after publishing but before marking the row.
      await database.query(`UPDATE incident.outbox SET sent_at = NULL WHERE envelope->>'subject' = $1`, [created.id]);
      await database.query(`SELECT pg_notify('itsm_outbox_incident', '')`);
      await waitFor(async () => {
        const [row] = await database.query<{ sent: boolean }>(`SELECT sent_at IS NOT NULL AS sent FROM incident.outbox o WHERE o.envelope->>'subject' = $1`, [created.id]);
        return row?.sent;
      }, { what: 'the row published again' });
      const copies = (await readEvents(nc, IncidentEvents.created.subject)).filter((m) => m.body.subject === created.id);
      expect(copies).toHaveLength(1);
    } finally {
      await service.kill('SIGTERM');
    }
  });
});

import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AckPolicy, connect, ErrorCode, Events, type JetStreamManager, type NatsConnection } from 'nats';
import { type CloudEvent, consumerNameOf, EVENTS_STREAM, type EventDeclaration, IncidentEvents, IncidentRpc, SlaEvents, type SubscriberGrant } from '@itsm/contracts';
import { brokerUsers, connectNats, ensureLocalIdentities, ensureStreams, mintNkey, type NkeyIdentity, readSeed, renderAuthorization } from '@itsm/messaging';
import { buildIncidentView, infra, testEnvelope, waitFor } from '@itsm/testing';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the documented example subscriber, run as its readers run it; it belongs to no project
import { ensureConsumer, runSubscriber, type RunningSubscriber, subscriberConnectionOptions } from '../../../docs/examples/event-subscriber';

/**
 * The bus permissions against a real broker with authorization on, rendered from the contracts as everywhere else:
 * an outside subscriber reads its events through its own durable consumer and can do nothing more; a service
 * publishes only its own events; the gateway cannot reach a service's consumer; nobody connects without a key.
 */

const GRANT: SubscriberGrant = { name: 'crm-sync', subjects: ['itsm.events.incident.>'] };
const SERVICE_CONSUMER = consumerNameOf('incident', 'problems');
const STREAM_SETTINGS = { replicas: 1, maxAgeDays: 1, duplicateWindowSeconds: 120, maxBytes: 64 * 1024 * 1024 };

let workDir: string;
let credentialsDir: string;
let subscriberKey: NkeyIdentity;
let broker: { url: string; stop(): Promise<void> };
let brokerOptions: { dir: string; port: number; configFile: string };
const connections: NatsConnection[] = [];

async function as(identity: string, name = identity): Promise<NatsConnection> {
  const nc = await connectNats(broker.url, name, { identity, nkeySeed: readSeed(credentialsDir, identity) });
  connections.push(nc);
  return nc;
}

/** A connection with the subscriber's credential: what its pods hold. */
async function asSubscriber(name: string): Promise<NatsConnection> {
  const nc = await connect(subscriberConnectionOptions({ url: broker.url, name: GRANT.name, connectionName: name, seed: () => subscriberKey.seed }));
  connections.push(nc);
  return nc;
}

/** Any data, broken payloads included: what a forger could put in an envelope. */
function envelopeOf(event: EventDeclaration, data: unknown, subject: string): CloudEvent {
  return testEnvelope<unknown>(event, subject, data);
}

/** Publishes an event as its service's relay does: on the event's subject, its id as the message id. */
async function publish(nc: NatsConnection, event: EventDeclaration, envelope: CloudEvent): Promise<number> {
  const ack = await nc.jetstream().publish(event.subject, JSON.stringify(envelope), { msgID: envelope.id });
  return ack.seq;
}

async function publishIncidentCreated(nc: NatsConnection): Promise<CloudEvent> {
  const incident = buildIncidentView();
  const envelope = envelopeOf(IncidentEvents.created, incident, incident.id);
  await publish(nc, IncidentEvents.created, envelope);
  return envelope;
}

async function streamMessages(jsm: JetStreamManager): Promise<number> {
  return (await jsm.streams.info(EVENTS_STREAM)).state.messages;
}

/** The permissions violation the broker reports for a plain publish (it has no reply to fail). */
async function publishViolation(nc: NatsConnection, subject: string, body: string): Promise<string> {
  const seen: string[] = [];
  const watching = (async () => {
    for await (const status of nc.status()) {
      if (status.type === Events.Error && status.data === ErrorCode.PermissionsViolation && status.permissionContext?.subject === subject) {
        seen.push(`${status.permissionContext.operation} to ${status.permissionContext.subject}`);
        return;
      }
    }
  })();
  nc.publish(subject, body);
  await nc.flush();
  await waitFor(() => seen[0], { what: `a permissions violation for ${subject}`, timeoutMs: 5_000 });
  void watching;
  return seen[0] as string;
}

const refused = { code: ErrorCode.PermissionsViolation };

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'itsm-bus-permissions-'));
  const local = ensureLocalIdentities(join(workDir, 'credentials'));
  credentialsDir = local.credentialsDir;
  subscriberKey = mintNkey();
  const configFile = join(workDir, 'authorization.conf');
  writeFileSync(configFile, renderAuthorization(brokerUsers(local.publicKeys, [{ ...GRANT, publicKey: subscriberKey.publicKey }])), { mode: 0o600 });
  brokerOptions = { dir: join(workDir, 'nats'), port: await infra.freePort(), configFile };
  broker = await infra.startNats(brokerOptions);

  // As the incident service does at start: the streams, and its durable consumer.
  const incident = await as('incident');
  const jsm = await incident.jetstreamManager();
  await ensureStreams(jsm, STREAM_SETTINGS);
  await jsm.consumers.add(EVENTS_STREAM, { durable_name: SERVICE_CONSUMER, filter_subject: 'itsm.events.>', ack_policy: AckPolicy.Explicit });
});

afterAll(async () => {
  await Promise.all(connections.map((nc) => nc.close().catch(() => undefined)));
  await broker?.stop();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

describe('an outside subscriber credential', () => {
  let subscriber: RunningSubscriber | undefined;
  const handled: CloudEvent[] = [];
  const log: string[] = [];

  const start = (): Promise<RunningSubscriber> =>
    runSubscriber({
      url: broker.url,
      name: GRANT.name,
      subject: 'itsm.events.incident.>',
      seed: () => subscriberKey.seed,
      connectionName: 'crm-sync',
      handle: async (event) => {
        handled.push(event);
      },
      log: (line) => log.push(line),
    });

  afterAll(async () => {
    await subscriber?.stop();
  });

  it('receives the granted events, acknowledges them after handling, and terminates what breaks the contract', async () => {
    const incident = await as('incident', 'incident-publisher');
    const sla = await as('sla', 'sla-publisher');
    subscriber = await start();

    const first = await publishIncidentCreated(incident);
    // Not granted: the consumer's filter never takes it.
    await publish(sla, SlaEvents.warning, envelopeOf(SlaEvents.warning, { anything: true }, randomUUID()));
    const broken = envelopeOf(IncidentEvents.created, { ...buildIncidentView(), priority: 'urgent!' }, randomUUID());
    await publish(incident, IncidentEvents.created, broken);
    const second = await publishIncidentCreated(incident);

    await waitFor(() => handled.length >= 2, { what: 'the two incident events to be handled' });
    expect(handled.map((event) => event.id)).toEqual([first.id, second.id]);
    await waitFor(() => log.some((line) => line.startsWith('terminated')), { what: 'the broken event to be terminated' });
    expect(log.find((line) => line.startsWith('terminated'))).toMatch(/data does not match itsm\.incident\.created\.v1: priority/);

    const admin = await (await as('admin', 'admin-observer')).jetstreamManager();
    const settled = await waitFor(
      async () => {
        const info = await admin.consumers.info(EVENTS_STREAM, GRANT.name);
        return info.num_ack_pending === 0 && info.num_pending === 0 && info;
      },
      { what: 'every delivered event to be settled' },
    ).catch(async (error: Error) => {
      throw new Error(`${error.message}: ${JSON.stringify(await admin.consumers.info(EVENTS_STREAM, GRANT.name))}`);
    });
    const info = settled;
    expect(info.config.filter_subject).toBe('itsm.events.incident.>');
    expect(info.config.ack_policy).toBe(AckPolicy.Explicit);
  });

  it('keeps its durable consumer across a broker restart and goes on with the next event only', async () => {
    await subscriber?.stop();
    subscriber = undefined;
    const before = handled.length;

    await broker.stop();
    broker = await infra.startNats(brokerOptions);

    const incident = await as('incident', 'incident-after-restart');
    const next = await publishIncidentCreated(incident);
    subscriber = await start();
    await waitFor(() => handled.length > before, { what: 'the event published after the restart' });
    // Give an unwanted redelivery of the earlier events a moment to show.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(handled.slice(before).map((event) => event.id)).toEqual([next.id]);
    expect(new Set(handled.map((event) => event.id)).size).toBe(handled.length);
  });

  it('offers an event again when its handling fails, and acknowledges it once handled', async () => {
    await subscriber?.stop();
    const attempts: string[] = [];
    const retrying = await runSubscriber({
      url: broker.url,
      name: GRANT.name,
      subject: 'itsm.events.incident.>',
      seed: () => subscriberKey.seed,
      connectionName: 'crm-sync-retrying',
      retryDelayMs: 100,
      handle: async (event) => {
        attempts.push(event.id);
        if (attempts.length === 1) throw new Error('the CRM is down');
      },
      log: (line) => log.push(line),
    });
    subscriber = retrying;
    const event = await publishIncidentCreated(await as('incident', 'incident-retry'));

    await waitFor(() => attempts.length >= 2, { what: 'the failed event to come again' });
    expect(attempts).toEqual([event.id, event.id]);
    expect(log.some((line) => line.includes('failed (delivery 1 of 10), retrying later: the CRM is down'))).toBe(true);
    const admin = await (await as('admin', 'admin-retry-observer')).jetstreamManager();
    await waitFor(async () => (await admin.consumers.info(EVENTS_STREAM, GRANT.name)).num_ack_pending === 0, { what: 'the event to be acknowledged' });
  });

  it('moves its consumer to another granted subject, keeping its position', async () => {
    await subscriber?.stop();
    subscriber = undefined;
    const nc = await asSubscriber('crm-sync-refilter');
    const jsm = await nc.jetstreamManager();
    const before = await jsm.consumers.info(EVENTS_STREAM, GRANT.name);
    await ensureConsumer(jsm, GRANT.name, IncidentEvents.created.subject);
    const after = await jsm.consumers.info(EVENTS_STREAM, GRANT.name);
    expect(after.config.filter_subject).toBe(IncidentEvents.created.subject);
    expect(after.ack_floor.stream_seq).toBe(before.ack_floor.stream_seq);
    await ensureConsumer(jsm, GRANT.name, 'itsm.events.incident.>');
  });

  it('cannot publish a forged event: a permissions violation, and nothing reaches the stream', async () => {
    const nc = await asSubscriber('crm-sync-forge-probe');
    const admin = await (await as('admin', 'admin-counter')).jetstreamManager();
    const messages = await streamMessages(admin);
    const forged = JSON.stringify(envelopeOf(IncidentEvents.created, buildIncidentView(), randomUUID()));

    await expect(nc.jetstream().publish(IncidentEvents.created.subject, forged)).rejects.toMatchObject(refused);
    await expect(publishViolation(nc, IncidentEvents.created.subject, forged)).resolves.toBe(`publish to ${IncidentEvents.created.subject}`);
    await expect(streamMessages(admin)).resolves.toBe(messages);
  });

  it('cannot call an RPC operation', async () => {
    const responder = await as('incident', 'incident-responder');
    const calls: string[] = [];
    responder.subscribe(IncidentRpc.get.subject, { callback: (_error, msg) => (calls.push(msg.subject), msg.respond('{}')) });
    await responder.flush();

    const nc = await asSubscriber('crm-sync-rpc-probe');
    await expect(nc.request(IncidentRpc.get.subject, JSON.stringify({ id: randomUUID() }), { timeout: 3_000 })).rejects.toMatchObject(refused);
    expect(calls).toEqual([]);
  });

  it('cannot delete the stream, nor read, pull from or delete another consumer', async () => {
    const nc = await asSubscriber('crm-sync-admin-probe');
    const jsm = await nc.jetstreamManager();

    await expect(jsm.streams.delete(EVENTS_STREAM)).rejects.toMatchObject(refused);
    await expect(jsm.consumers.delete(EVENTS_STREAM, SERVICE_CONSUMER)).rejects.toMatchObject(refused);
    await expect(jsm.consumers.info(EVENTS_STREAM, SERVICE_CONSUMER)).rejects.toMatchObject(refused);
    await expect(nc.request(`$JS.API.CONSUMER.MSG.NEXT.${EVENTS_STREAM}.${SERVICE_CONSUMER}`, JSON.stringify({ batch: 1, expires: 1_000_000_000 }), { timeout: 3_000 })).rejects.toMatchObject(refused);
    await expect(jsm.streams.purge(EVENTS_STREAM)).rejects.toMatchObject(refused);

    const admin = await (await as('admin', 'admin-checker')).jetstreamManager();
    await expect(admin.streams.info(EVENTS_STREAM)).resolves.toMatchObject({ config: { name: EVENTS_STREAM } });
    await expect(admin.consumers.info(EVENTS_STREAM, SERVICE_CONSUMER)).resolves.toMatchObject({ name: SERVICE_CONSUMER });
  });

  it('cannot filter its consumer on subjects outside its grant, nor create a consumer of another name', async () => {
    const nc = await asSubscriber('crm-sync-consumer-probe');
    const jsm = await nc.jetstreamManager();

    await expect(jsm.consumers.add(EVENTS_STREAM, { durable_name: GRANT.name, filter_subject: 'itsm.events.sla.>', ack_policy: AckPolicy.Explicit })).rejects.toMatchObject(refused);
    await expect(jsm.consumers.add(EVENTS_STREAM, { durable_name: GRANT.name, filter_subject: 'itsm.events.>', ack_policy: AckPolicy.Explicit })).rejects.toMatchObject(refused);
    await expect(jsm.consumers.add(EVENTS_STREAM, { durable_name: 'crm-sync-2', filter_subject: 'itsm.events.incident.>', ack_policy: AckPolicy.Explicit })).rejects.toMatchObject(refused);
  });

  it('cannot connect with an inbox prefix other than its own', async () => {
    const nc = await connect({ ...subscriberConnectionOptions({ url: broker.url, name: GRANT.name, connectionName: 'crm-sync-inbox-probe', seed: () => subscriberKey.seed }), inboxPrefix: '_INBOX' });
    connections.push(nc);
    await expect(nc.request(`$JS.API.CONSUMER.INFO.${EVENTS_STREAM}.${GRANT.name}`, '', { timeout: 3_000 })).rejects.toMatchObject(refused);
  });
});

describe('the suite identities', () => {
  it('a service cannot publish the events of another service', async () => {
    const sla = await as('sla', 'sla-forge-probe');
    const admin = await (await as('admin', 'admin-counter-2')).jetstreamManager();
    const messages = await streamMessages(admin);

    await expect(sla.jetstream().publish(IncidentEvents.created.subject, JSON.stringify(envelopeOf(IncidentEvents.created, buildIncidentView(), randomUUID())))).rejects.toMatchObject(refused);
    await expect(streamMessages(admin)).resolves.toBe(messages);
  });

  it('the gateway cannot read or pull a service durable consumer', async () => {
    const gateway = await as('gateway', 'gateway-consumer-probe');
    const jsm = await gateway.jetstreamManager();

    await expect(jsm.consumers.info(EVENTS_STREAM, SERVICE_CONSUMER)).rejects.toMatchObject(refused);
    await expect(jsm.consumers.delete(EVENTS_STREAM, SERVICE_CONSUMER)).rejects.toMatchObject(refused);
    await expect(gateway.request(`$JS.API.CONSUMER.MSG.NEXT.${EVENTS_STREAM}.${SERVICE_CONSUMER}`, JSON.stringify({ batch: 1, expires: 1_000_000_000 }), { timeout: 3_000 })).rejects.toMatchObject(refused);
  });

  it('refuses a connection without a key, and one with a key the broker does not list', async () => {
    await expect(connect({ servers: broker.url, name: 'anonymous-probe', reconnect: false })).rejects.toMatchObject({ code: ErrorCode.AuthorizationViolation });
    const stranger = mintNkey();
    await expect(
      connect({ ...subscriberConnectionOptions({ url: broker.url, name: GRANT.name, connectionName: 'stranger-probe', seed: () => stranger.seed }), reconnect: false }),
    ).rejects.toMatchObject({ code: ErrorCode.AuthorizationViolation });
  });
});

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { publicKeyOfSeed } from '@itsm/messaging';
import type { RegisteredSubscriber } from './nats-authorization';
import { parseSubscriberArgs, runSubscriberCommand, subscriberSecret, UsageError, withoutSubscriber, withSubscriber } from './nats-subscriber';

const entry = (name: string, publicKey = `U${name.toUpperCase()}`): RegisteredSubscriber => ({ name, subjects: ['itsm.events.incident.>'], publicKey });

describe('nats:subscriber arguments', () => {
  it('reads a name, its subjects and the namespace', () => {
    expect(parseSubscriberArgs(['crm-sync', '--subject', 'itsm.events.incident.>', '--subject', 'itsm.events.change.*.v1', '--namespace', 'crm'])).toEqual({
      action: 'grant',
      name: 'crm-sync',
      subjects: ['itsm.events.incident.>', 'itsm.events.change.*.v1'],
      namespace: 'crm',
    });
  });

  it('defaults the namespace to the suite one and keeps --out', () => {
    expect(parseSubscriberArgs(['crm-sync', '--subject', 'itsm.events.>', '--out', '/tmp/secret.yaml'])).toEqual({
      action: 'grant',
      name: 'crm-sync',
      subjects: ['itsm.events.>'],
      namespace: 'itsm',
      out: '/tmp/secret.yaml',
    });
  });

  it('reads a revocation', () => {
    expect(parseSubscriberArgs(['crm-sync', '--revoke'])).toEqual({ action: 'revoke', name: 'crm-sync' });
  });

  it.each([
    [[], /name is missing/],
    [['crm-sync'], /at least one subject/],
    [['crm-sync', '--subject'], /--subject needs a value/],
    [['crm-sync', '--subject', '--namespace', 'x'], /--subject needs a value/],
    [['crm-sync', 'other', '--subject', 'itsm.events.>'], /one subscriber at a time/],
    [['crm-sync', '--subjects', 'itsm.events.>'], /unknown option --subjects/],
    [['crm-sync', '--revoke', '--subject', 'itsm.events.>'], /--revoke takes no/],
    [['Crm_Sync', '--subject', 'itsm.events.>'], /name must match/],
    [['crm.sync', '--subject', 'itsm.events.>'], /name must match/],
    [['incident', '--subject', 'itsm.events.>'], /taken by the suite/],
    [['incident-problems', '--subject', 'itsm.events.>'], /taken by the suite/],
    [['gateway', '--subject', 'itsm.events.>'], /taken by the suite/],
    [['crm-sync', '--subject', 'itsm.rpc.incident.get'], /not an event subject/],
    [['crm-sync', '--subject', '>'], /not an event subject/],
    [['crm-sync', '--subject', 'itsm.dlq.>'], /not an event subject/],
    [['crm-sync', '--subject', 'itsm.events.>.created'], /not an event subject/],
    [['crm-sync', '--subject', 'itsm.events.incident."x"'], /not an event subject/],
    [['crm-sync', '--subject', 'itsm.events.>', '--namespace', 'Not_A_Namespace'], /not a Kubernetes namespace/],
  ])('refuses %j', (argv, message) => {
    expect(() => parseSubscriberArgs(argv)).toThrow(UsageError);
    expect(() => parseSubscriberArgs(argv)).toThrow(message);
  });
});

describe('the subscriber registry', () => {
  it('adds a new subscriber at the end', () => {
    expect(withSubscriber([entry('a')], entry('b'))).toEqual({ subscribers: [entry('a'), entry('b')], rotated: false });
  });

  it('replaces the key and subjects of a subscriber registered again, in place', () => {
    const renewed = { name: 'a', subjects: ['itsm.events.>'], publicKey: 'UNEW' };
    expect(withSubscriber([entry('a'), entry('b')], renewed)).toEqual({ subscribers: [renewed, entry('b')], rotated: true });
  });

  it('removes a revoked subscriber and refuses a name it does not hold', () => {
    expect(withoutSubscriber([entry('a'), entry('b')], 'a')).toEqual([entry('b')]);
    expect(() => withoutSubscriber([entry('a')], 'c')).toThrow('no subscriber c in the registry');
  });
});

describe('the subscriber Secret', () => {
  it('holds the seed as <name>.nk and where to connect, for the namespace of the suite', () => {
    const secret = parse(subscriberSecret({ name: 'crm-sync', subjects: ['itsm.events.incident.>', 'itsm.events.change.>'], namespace: 'itsm', seed: 'SUSEED' }));
    expect(secret).toMatchObject({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'itsm-subscriber-crm-sync' },
      stringData: {
        'crm-sync.nk': 'SUSEED\n',
        NATS_URL: 'tls://nats.itsm.svc:4222',
        NATS_STREAM: 'ITSM_EVENTS',
        SUBSCRIBER_NAME: 'crm-sync',
        SUBJECT: 'itsm.events.incident.>',
        SUBJECTS: 'itsm.events.incident.>,itsm.events.change.>',
      },
    });
  });
});

describe('running nats:subscriber', () => {
  let dir: string;
  let files: { subscribersFile: string; authorizationFile: string };
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'nats-subscriber-'));
    files = { subscribersFile: join(dir, 'subscribers.json'), authorizationFile: join(dir, 'authorization.conf') };
    writeFileSync(files.subscribersFile, '[]\n');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const registry = (): RegisteredSubscriber[] => JSON.parse(readFileSync(files.subscribersFile, 'utf8')) as RegisteredSubscriber[];

  it('records the public key, renders the broker user and hands the seed out only in the Secret', () => {
    const { manifest, rotated } = runSubscriberCommand(parseSubscriberArgs(['crm-sync', '--subject', 'itsm.events.incident.>']), files);
    const seed = (parse(manifest as string) as { stringData: Record<string, string> }).stringData['crm-sync.nk']?.trim() as string;
    expect(rotated).toBe(false);
    expect(seed).toMatch(/^SU[A-Z2-7]{56}$/);
    expect(registry()).toEqual([{ name: 'crm-sync', subjects: ['itsm.events.incident.>'], publicKey: publicKeyOfSeed(seed) }]);
    const authorization = readFileSync(files.authorizationFile, 'utf8');
    expect(authorization).toContain(`nkey: "${publicKeyOfSeed(seed)}"`);
    expect(authorization).toContain('"$JS.API.CONSUMER.CREATE.ITSM_EVENTS.crm-sync.itsm.events.incident.>"');
    expect(authorization).not.toContain(seed);
    expect(readFileSync(files.subscribersFile, 'utf8')).not.toContain(seed);
  });

  it('rotates: a second grant of the same name replaces its key', () => {
    runSubscriberCommand(parseSubscriberArgs(['crm-sync', '--subject', 'itsm.events.incident.>']), files);
    const first = registry()[0]?.publicKey;
    const { rotated } = runSubscriberCommand(parseSubscriberArgs(['crm-sync', '--subject', 'itsm.events.>']), files);
    expect(rotated).toBe(true);
    expect(registry()).toHaveLength(1);
    expect(registry()[0]?.publicKey).not.toBe(first);
    expect(registry()[0]?.subjects).toEqual(['itsm.events.>']);
    expect(readFileSync(files.authorizationFile, 'utf8')).not.toContain(first);
  });

  it('revokes: the name leaves the registry and the broker configuration', () => {
    runSubscriberCommand(parseSubscriberArgs(['crm-sync', '--subject', 'itsm.events.incident.>']), files);
    const key = registry()[0]?.publicKey as string;
    runSubscriberCommand(parseSubscriberArgs(['crm-sync', '--revoke']), files);
    expect(registry()).toEqual([]);
    expect(readFileSync(files.authorizationFile, 'utf8')).not.toContain(key);
  });
});

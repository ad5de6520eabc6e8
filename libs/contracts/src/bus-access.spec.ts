import 'reflect-metadata';
import {
  BUS_SERVICES,
  type BusService,
  consumerNameOf,
  GATEWAY_BUCKETS,
  gatewayPermissions,
  SERVICE_CALLS,
  SERVICE_CONSUMERS,
  serviceConsumerNames,
  servicePermissions,
  type SubscriberGrant,
  subscriberGrantProblem,
  subscriberPermissions,
  SUITE_IDENTITIES,
  suitePermissions,
} from './bus-access';
import { AllEvents, AllRpc } from './registry';
import { DLQ_STREAM, EVENTS_STREAM, type RpcDeclaration } from './message';

const rpcSubjects = (AllRpc as readonly RpcDeclaration[]).map((rpc) => rpc.subject);
const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const anyOf = (names: readonly string[]): string => `(${names.map(escape).join('|')})`;

/** JetStream subjects of the durable consumers `names` on the events stream: their create, info, pull and ack. */
function ownConsumerPlumbing(subject: string, names: readonly string[]): boolean {
  if (names.length === 0) return false;
  const stream = escape(EVENTS_STREAM);
  const name = anyOf(names);
  return [
    new RegExp(`^\\$JS\\.API\\.CONSUMER\\.CREATE\\.${stream}\\.${name}\\.itsm\\.events\\.`),
    new RegExp(`^\\$JS\\.API\\.CONSUMER\\.(INFO|MSG\\.NEXT)\\.${stream}\\.${name}$`),
    new RegExp(`^\\$JS\\.ACK\\.${stream}\\.${name}\\.>$`),
  ].some((pattern) => pattern.test(subject));
}

/** Why a service may publish `subject`, or undefined when nothing it does needs it. */
function servicePublishPurpose(service: BusService, subject: string): string | undefined {
  const consumers = SERVICE_CONSUMERS[service].map((purpose) => consumerNameOf(service, purpose));
  if (AllEvents.some((event) => event.domain === service && event.subject === subject)) return 'its own event';
  if (SERVICE_CALLS[service].some((rpc) => rpc.subject === subject)) return 'an operation it calls';
  if (subject === '$JS.API.INFO') return 'JetStream account check';
  if (new RegExp(`^\\$JS\\.API\\.STREAM\\.(INFO|CREATE|UPDATE)\\.${anyOf([EVENTS_STREAM, DLQ_STREAM])}$`).test(subject)) return 'the streams it ensures at start';
  if (ownConsumerPlumbing(subject, consumers)) return 'its own durable consumers';
  if (consumers.length > 0 && subject === `$JS.API.STREAM.MSG.GET.${EVENTS_STREAM}`) return 'reading an event again for its consumers';
  if (consumers.some((name) => subject === `itsm.dlq.${name}`)) return 'dead letters of its own consumers';
  return undefined;
}

function serviceSubscribePurpose(service: BusService, subject: string): string | undefined {
  if ((AllRpc as readonly RpcDeclaration[]).some((rpc) => rpc.domain === service && rpc.subject === subject)) return 'an operation it serves';
  if (subject === `_INBOX.${service}.>`) return 'its own inbox';
  return undefined;
}

function gatewayPublishPurpose(subject: string): string | undefined {
  if (rpcSubjects.includes(subject)) return 'an operation it calls for a user';
  if (subject === '$JS.API.INFO') return 'JetStream account check';
  const buckets = anyOf(GATEWAY_BUCKETS);
  const kvStreams = anyOf(GATEWAY_BUCKETS.map((bucket) => `KV_${bucket}`));
  if (new RegExp(`^\\$KV\\.${buckets}\\.>$`).test(subject)) return 'its buckets';
  if (new RegExp(`^\\$JS\\.(API\\.(STREAM|DIRECT|CONSUMER)\\.[A-Z.]+\\.|ACK\\.)${kvStreams}(\\.|$)`).test(subject)) return 'the streams and watchers of its buckets';
  const stream = escape(EVENTS_STREAM);
  if (subject === `$JS.API.STREAM.INFO.${EVENTS_STREAM}`) return 'the live feed';
  if (new RegExp(`^\\$JS\\.API\\.CONSUMER\\.CREATE\\.${stream}\\.\\*\\.itsm\\.events\\.>$`).test(subject)) return 'the live feed (ordered consumers)';
  if (new RegExp(`^\\$JS\\.API\\.CONSUMER\\.(INFO|DELETE|MSG\\.NEXT)\\.${stream}\\.\\*$`).test(subject)) return 'the live feed (ordered consumers)';
  if (subject === `$JS.ACK.${EVENTS_STREAM}.*.>`) return 'the live feed (ordered consumers)';
  return undefined;
}

describe('bus permissions of the suite', () => {
  it.each(BUS_SERVICES)('every subject %s may publish on is its own event, a call it makes, or plumbing of its own streams and consumers', (service) => {
    const unexplained = servicePermissions(service).publish.allow.filter((subject) => servicePublishPurpose(service, subject) === undefined);
    expect(unexplained).toEqual([]);
  });

  it.each(BUS_SERVICES)('every subject %s may subscribe to is an operation it serves or its own inbox', (service) => {
    const unexplained = servicePermissions(service).subscribe.allow.filter((subject) => serviceSubscribePurpose(service, subject) === undefined);
    expect(unexplained).toEqual([]);
  });

  it.each(BUS_SERVICES)('%s publishes every event it declares and no event of another domain', (service) => {
    const allowed = new Set(servicePermissions(service).publish.allow);
    for (const event of AllEvents) expect([event.subject, allowed.has(event.subject)]).toEqual([event.subject, event.domain === service]);
  });

  it('every subject the gateway may publish on is a declared operation, its buckets, or the live feed', () => {
    expect(gatewayPermissions().publish.allow.filter((subject) => gatewayPublishPurpose(subject) === undefined)).toEqual([]);
    expect(gatewayPermissions().subscribe.allow).toEqual(['_INBOX.gateway.>']);
  });

  it('the gateway is denied every service durable consumer by name, however the live feed opens consumers', () => {
    const deny = gatewayPermissions().publish.deny ?? [];
    for (const name of serviceConsumerNames()) {
      expect(deny).toEqual(
        expect.arrayContaining([
          `$JS.API.CONSUMER.CREATE.${EVENTS_STREAM}.${name}.>`,
          `$JS.API.CONSUMER.INFO.${EVENTS_STREAM}.${name}`,
          `$JS.API.CONSUMER.DELETE.${EVENTS_STREAM}.${name}`,
          `$JS.API.CONSUMER.MSG.NEXT.${EVENTS_STREAM}.${name}`,
          `$JS.ACK.${EVENTS_STREAM}.${name}.>`,
        ]),
      );
    }
  });

  it('the gateway is also denied the durable consumers of the registered outside subscribers', () => {
    const deny = gatewayPermissions(['crm-sync']).publish.deny ?? [];
    expect(deny).toEqual(expect.arrayContaining([`$JS.API.CONSUMER.MSG.NEXT.${EVENTS_STREAM}.crm-sync`, `$JS.API.CONSUMER.DELETE.${EVENTS_STREAM}.crm-sync`]));
    expect(gatewayPermissions().publish.deny ?? []).not.toContain(`$JS.API.CONSUMER.MSG.NEXT.${EVENTS_STREAM}.crm-sync`);
  });

  it('no identity but admin holds a full wildcard or may delete or purge a stream', () => {
    for (const identity of SUITE_IDENTITIES.filter((name) => name !== 'admin')) {
      const { publish, subscribe } = suitePermissions(identity);
      const subjects = [...publish.allow, ...subscribe.allow];
      expect([identity, subjects.filter((subject) => subject === '>' || subject.startsWith('$JS.API.>') || /STREAM\.(DELETE|PURGE)/.test(subject))]).toEqual([identity, []]);
    }
  });
});

describe('bus permissions of an outside subscriber', () => {
  const grant: SubscriberGrant = { name: 'crm-sync', subjects: ['itsm.events.incident.>', 'itsm.events.change.*.v1'] };
  const permissions = subscriberPermissions(grant);

  it('receives the granted subjects on its own inbox, nothing else', () => {
    expect([...permissions.subscribe.allow].sort()).toEqual(['_INBOX.crm-sync.>', 'itsm.events.change.*.v1', 'itsm.events.incident.>']);
    expect(permissions.allow_responses).toBeUndefined();
  });

  it('may publish only the JetStream requests of its own consumer, filtered on a granted subject', () => {
    expect([...permissions.publish.allow].sort()).toEqual(
      [
        '$JS.API.INFO',
        `$JS.API.STREAM.INFO.${EVENTS_STREAM}`,
        `$JS.API.CONSUMER.CREATE.${EVENTS_STREAM}.crm-sync.itsm.events.incident.>`,
        `$JS.API.CONSUMER.CREATE.${EVENTS_STREAM}.crm-sync.itsm.events.change.*.v1`,
        `$JS.API.CONSUMER.INFO.${EVENTS_STREAM}.crm-sync`,
        `$JS.API.CONSUMER.MSG.NEXT.${EVENTS_STREAM}.crm-sync`,
        `$JS.ACK.${EVENTS_STREAM}.crm-sync.>`,
      ].sort(),
    );
  });

  it('holds no event, RPC or dead-letter publish, no stream administration and no other consumer', () => {
    const publish = permissions.publish.allow;
    expect(publish.filter((subject) => subject.startsWith('itsm.'))).toEqual([]);
    expect(publish.filter((subject) => /^\$JS\.API\.STREAM\./.test(subject) && subject !== `$JS.API.STREAM.INFO.${EVENTS_STREAM}`)).toEqual([]);
    expect(publish.filter((subject) => subject.includes('DELETE') || subject.includes('PURGE') || subject.includes(DLQ_STREAM))).toEqual([]);
    expect(publish.filter((subject) => /CONSUMER|\$JS\.ACK/.test(subject) && !ownConsumerPlumbing(subject, ['crm-sync']))).toEqual([]);
    expect([...publish, ...permissions.subscribe.allow].filter((subject) => subject.startsWith('itsm.rpc') || subject === '>')).toEqual([]);
  });

  it.each([
    [{ name: 'incident', subjects: ['itsm.events.>'] }, /taken by the suite/],
    [{ name: consumerNameOf('sla', 'tickets'), subjects: ['itsm.events.>'] }, /taken by the suite/],
    [{ name: 'crm.sync', subjects: ['itsm.events.>'] }, /name must match/],
    [{ name: 'crm-sync', subjects: [] }, /at least one subject/],
    [{ name: 'crm-sync', subjects: ['itsm.rpc.incident.get'] }, /not an event subject/],
    [{ name: 'crm-sync', subjects: ['itsm.events.>.v1'] }, /not an event subject/],
    [{ name: 'crm-sync', subjects: ['$JS.API.>'] }, /not an event subject/],
  ])('refuses the grant %j', (bad, message) => {
    expect(subscriberGrantProblem(bad)).toMatch(message);
    expect(() => subscriberPermissions(bad)).toThrow(message);
  });
});

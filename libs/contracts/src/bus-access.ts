/**
 * Who may do what on the bus, derived from the message declarations: the NATS permissions of every identity of the
 * suite (each service, the gateway, operators) and of outside subscribers. The broker configuration of tests,
 * `npm start`, docker-compose and Kubernetes is rendered from these functions, so permissions and declarations
 * cannot drift apart. Plain data, no NATS client: subscribers may read it to know what their credential allows.
 */
import { ALL_EVENTS, DLQ_STREAM, DLQ_SUBJECT_ROOT, EVENT_SUBJECT_ROOT, EVENTS_STREAM, type Domain, type RpcDeclaration } from './message';
import { AllEvents, AllRpc } from './registry';
import { IncidentRpc } from './incident/incident.messages';
import { ImpactRpc } from './cmdb/cmdb.messages';
import { SlaRpc } from './sla/sla.messages';

/** The services of the suite; each owns the events and RPC subjects of its domain, and its PostgreSQL schema. */
export const BUS_SERVICES = ['incident', 'problem', 'change', 'cmdb', 'sla', 'knowledge', 'notification'] as const satisfies readonly Domain[];
export type BusService = (typeof BUS_SERVICES)[number];
/** Every identity of the suite itself: the services, the gateway, and `admin` for operators (and test harnesses). */
export type SuiteIdentity = BusService | 'gateway' | 'admin';
export const SUITE_IDENTITIES: readonly SuiteIdentity[] = [...BUS_SERVICES, 'gateway', 'admin'];

/**
 * The durable consumers of each service, by purpose (the consumer is named `<service>-<purpose>`). A service refuses
 * to start a consumer not listed here, and its credential cannot create one either.
 */
export const SERVICE_CONSUMERS: Readonly<Record<BusService, readonly string[]>> = {
  incident: ['knowledge-suggestions', 'problems', 'sla-breached', 'sla-warning'],
  problem: ['detection'],
  change: ['incidents'],
  cmdb: [],
  sla: ['tickets'],
  knowledge: ['known-errors', 'suggestions'],
  notification: ['dispatch', 'event-log'],
};

/**
 * The RPC operations a service calls on another service, always on behalf of the caller it is serving. The gateway
 * calls every declared operation. A test compares this table with the calls in each service's code.
 */
export const SERVICE_CALLS: Readonly<Record<BusService, readonly RpcDeclaration[]>> = {
  incident: [],
  problem: [IncidentRpc.get, ImpactRpc.analyze],
  change: [ImpactRpc.analyze, SlaRpc.businessTimeBetween],
  cmdb: [],
  sla: [],
  knowledge: [],
  notification: [],
};

/** JetStream key-value bucket of the gateway's API keys (fixed: the gateway's permissions name it). */
export const GATEWAY_API_KEY_BUCKET = 'itsm_gateway_api_keys';
/** JetStream key-value bucket of the rate-limit counters shared by the gateway's replicas. */
export const GATEWAY_RATE_LIMIT_BUCKET = 'itsm_gateway_rate_limits';
export const GATEWAY_BUCKETS = [GATEWAY_API_KEY_BUCKET, GATEWAY_RATE_LIMIT_BUCKET] as const;

/** NATS permissions of one user, in the shape of the server's `permissions` block. */
export interface BusPermissions {
  publish: { allow: string[]; deny?: string[] };
  subscribe: { allow: string[]; deny?: string[] };
  /** Lets a responder answer a request it received (on the requester's inbox) without a publish permission there. */
  allow_responses?: boolean;
}

/** The inbox prefix of an identity: its replies come on `_INBOX.<identity>.>`, which no other identity may read. */
export function inboxPrefixOf(identity: string): string {
  return `_INBOX.${identity}`;
}

/** Names of durable consumers and subscribers: one subject token, as JetStream and the permissions need. */
export const CONSUMER_NAME_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;

export function consumerNameOf(service: BusService, purpose: string): string {
  return `${service}-${purpose}`;
}

const JS = '$JS.API';
const unique = (subjects: Iterable<string>): string[] => [...new Set(subjects)].sort();

/** The JetStream API subjects of one durable consumer on the events stream: create (with its filter), read, pull, acknowledge. */
function durableConsumerSubjects(name: string, filters: readonly string[]): string[] {
  return [
    ...filters.map((filter) => `${JS}.CONSUMER.CREATE.${EVENTS_STREAM}.${name}.${filter}`),
    `${JS}.CONSUMER.INFO.${EVENTS_STREAM}.${name}`,
    `${JS}.CONSUMER.MSG.NEXT.${EVENTS_STREAM}.${name}`,
    `$JS.ACK.${EVENTS_STREAM}.${name}.>`,
  ];
}

/** Every durable consumer name of the suite's services. */
export function serviceConsumerNames(): string[] {
  return BUS_SERVICES.flatMap((service) => SERVICE_CONSUMERS[service].map((purpose) => consumerNameOf(service, purpose)));
}

function servedRpc(service: BusService): RpcDeclaration[] {
  return (AllRpc as readonly RpcDeclaration[]).filter((rpc) => rpc.domain === service);
}

function publishedEvents(service: BusService): string[] {
  return AllEvents.filter((event) => event.domain === service).map((event) => event.subject);
}

/** What a service may do: publish its own events, call the operations it calls, serve its own, keep its consumers. */
export function servicePermissions(service: BusService): BusPermissions {
  const consumers = SERVICE_CONSUMERS[service].map((purpose) => consumerNameOf(service, purpose));
  const streamAdmin = [EVENTS_STREAM, DLQ_STREAM].flatMap((stream) => ['INFO', 'CREATE', 'UPDATE'].map((verb) => `${JS}.STREAM.${verb}.${stream}`));
  return {
    publish: {
      allow: unique([
        ...publishedEvents(service),
        ...SERVICE_CALLS[service].map((rpc) => rpc.subject),
        `${JS}.INFO`,
        ...streamAdmin,
        // A consumer's filter is computed from the events it handles; the catch-all ones take every event.
        ...consumers.flatMap((name) => durableConsumerSubjects(name, [`${EVENT_SUBJECT_ROOT}.>`])),
        ...(consumers.length > 0 ? [`${JS}.STREAM.MSG.GET.${EVENTS_STREAM}`] : []),
        ...consumers.map((name) => `${DLQ_SUBJECT_ROOT}.${name}`),
      ]),
    },
    subscribe: { allow: unique([...servedRpc(service).map((rpc) => rpc.subject), `${inboxPrefixOf(service)}.>`]) },
    allow_responses: true,
  };
}

/**
 * The gateway calls every operation, reads the event stream for its live feed, and keeps its own buckets. The durable
 * consumers of the services, and of the outside subscribers named in `subscribers`, are closed to it.
 */
export function gatewayPermissions(subscribers: readonly string[] = []): BusPermissions {
  const buckets = GATEWAY_BUCKETS.flatMap((bucket) => {
    const stream = `KV_${bucket}`;
    return [
      `$KV.${bucket}.>`,
      ...['INFO', 'CREATE', 'UPDATE'].map((verb) => `${JS}.STREAM.${verb}.${stream}`),
      `${JS}.STREAM.MSG.GET.${stream}`,
      `${JS}.DIRECT.GET.${stream}.>`,
      `${JS}.CONSUMER.CREATE.${stream}.>`,
      `${JS}.CONSUMER.CREATE.${stream}`,
      `${JS}.CONSUMER.INFO.${stream}.*`,
      `${JS}.CONSUMER.DELETE.${stream}.*`,
      `${JS}.CONSUMER.MSG.NEXT.${stream}.*`,
      `$JS.ACK.${stream}.>`,
    ];
  });
  // The live feed reads through ordered consumers, which the client names at random, so these are open by name;
  // the services' durable consumers are closed to it by name.
  const feed = [
    `${JS}.STREAM.INFO.${EVENTS_STREAM}`,
    `${JS}.CONSUMER.CREATE.${EVENTS_STREAM}.*.${EVENT_SUBJECT_ROOT}.>`,
    `${JS}.CONSUMER.INFO.${EVENTS_STREAM}.*`,
    `${JS}.CONSUMER.DELETE.${EVENTS_STREAM}.*`,
    `${JS}.CONSUMER.MSG.NEXT.${EVENTS_STREAM}.*`,
    `$JS.ACK.${EVENTS_STREAM}.*.>`,
  ];
  const closed = [...serviceConsumerNames(), ...subscribers].flatMap((name) => [
    `${JS}.CONSUMER.CREATE.${EVENTS_STREAM}.${name}.>`,
    `${JS}.CONSUMER.INFO.${EVENTS_STREAM}.${name}`,
    `${JS}.CONSUMER.DELETE.${EVENTS_STREAM}.${name}`,
    `${JS}.CONSUMER.MSG.NEXT.${EVENTS_STREAM}.${name}`,
    `$JS.ACK.${EVENTS_STREAM}.${name}.>`,
  ]);
  return {
    publish: { allow: unique([...(AllRpc as readonly RpcDeclaration[]).map((rpc) => rpc.subject), `${JS}.INFO`, ...feed, ...buckets]), deny: unique(closed) },
    subscribe: { allow: unique([`${inboxPrefixOf('gateway')}.>`]) },
  };
}

/** Operators (the `nats` command line) and test harnesses: everything. */
export function adminPermissions(): BusPermissions {
  return { publish: { allow: ['>'] }, subscribe: { allow: ['>'] } };
}

/** `subscribers`: the names of the outside subscribers of the deployment, whose consumers the gateway may not touch. */
export function suitePermissions(identity: SuiteIdentity, subscribers: readonly string[] = []): BusPermissions {
  if (identity === 'gateway') return gatewayPermissions(subscribers);
  if (identity === 'admin') return adminPermissions();
  return servicePermissions(identity);
}

/** A read-only outside subscriber: its name (also the name of its one durable consumer) and the event subjects it receives. */
export interface SubscriberGrant {
  name: string;
  /** Subjects under `itsm.events.`, e.g. `itsm.events.incident.>`; its durable consumer filters on one of them. */
  subjects: string[];
}

/** Why a subscriber grant is not acceptable, or undefined. */
export function subscriberGrantProblem(grant: SubscriberGrant): string | undefined {
  if (!CONSUMER_NAME_PATTERN.test(grant.name)) return `name must match ${CONSUMER_NAME_PATTERN} (it names the durable consumer)`;
  if (SUITE_IDENTITIES.includes(grant.name as SuiteIdentity) || serviceConsumerNames().includes(grant.name)) return `name ${grant.name} is taken by the suite`;
  if (grant.subjects.length === 0) return 'at least one subject is needed';
  for (const subject of grant.subjects) {
    const tokens = subject.split('.');
    const valid = tokens.every((token, index) => /^[a-z0-9_-]+$/.test(token) || token === '*' || (token === '>' && index === tokens.length - 1));
    if (!valid || !(subject === ALL_EVENTS || subject.startsWith(`${EVENT_SUBJECT_ROOT}.`))) return `subject ${subject} is not an event subject (itsm.events.…, wildcards * and >)`;
  }
  return undefined;
}

/** Receive the granted events; create, read and pull its own durable consumer, filtered on a granted subject; nothing else. */
export function subscriberPermissions(grant: SubscriberGrant): BusPermissions {
  const problem = subscriberGrantProblem(grant);
  if (problem) throw new Error(`subscriber ${grant.name}: ${problem}`);
  return {
    publish: {
      allow: unique([`${JS}.INFO`, `${JS}.STREAM.INFO.${EVENTS_STREAM}`, ...durableConsumerSubjects(grant.name, grant.subjects)]),
    },
    subscribe: { allow: unique([...grant.subjects, `${inboxPrefixOf(grant.name)}.>`]) },
  };
}

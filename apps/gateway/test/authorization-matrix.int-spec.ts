/**
 * Every operation of the OpenAPI document the gateway serves, called by every role, an API key and an anonymous
 * caller, against the authorization policy: a caller the policy refuses gets 403 (401 without credentials), one it
 * lets through gets anything else (the RPC stand-in answers every operation). The document and the policy must list
 * the same operations, so a route added without a policy fails here as well as at startup.
 */
import { randomUUID } from 'node:crypto';
import { connect, type NatsConnection } from 'nats';
import { ALL_ROLES, AllRpc, Role } from '@itsm/contracts';
import { mintToken, resetStreams, testNatsOptions } from '@itsm/testing';
import { AUTHORIZATION_POLICY, type RouteAccess } from '../src/auth/policy';
import type { Gateway } from '../src/gateway';
import { RpcResponder } from './rpc-responder';
import { startGateway } from './support/listening-gateway';

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;
const CONCURRENCY = 20;

interface Parameter {
  name: string;
  in: string;
  schema?: { type?: string; format?: string; example?: unknown; enum?: unknown[] };
  example?: unknown;
}

interface Operation {
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, unknown> };
}

interface OpenApiDocument {
  paths: Record<string, Partial<Record<(typeof METHODS)[number], Operation>>>;
}

/** Who calls: `roles` and `apiKey` say what the policy sees, `headers()` how the caller authenticates. */
interface Caller {
  name: string;
  /** Undefined for an anonymous caller. */
  roles?: readonly Role[];
  apiKey: boolean;
  headers(): Record<string, string>;
}

interface Call {
  key: string;
  method: string;
  url: string;
  jsonBody: boolean;
}

/** What the policy says a caller gets: 'allowed', or the refusal status. */
function expected(access: RouteAccess, caller: Caller): 'allowed' | 401 | 403 {
  if (access.public) return 'allowed';
  if (!caller.roles) return 401;
  if (caller.apiKey && !access.apiKey) return 403;
  return access.roles.some((role) => caller.roles?.includes(role)) ? 'allowed' : 403;
}

/** A value the route's path parameter takes: its example, a UUID for `format: uuid`, the first of an enum. */
function valueOf(parameter: Parameter): string {
  const schema = parameter.schema ?? {};
  const example = parameter.example ?? schema.example;
  if (example !== undefined) return String(example);
  if (schema.enum?.length) return String(schema.enum[0]);
  if (schema.format === 'uuid') return randomUUID();
  if (schema.type === 'integer' || schema.type === 'number') return '1';
  return 'x';
}

function callsOf(document: OpenApiDocument): Call[] {
  const calls: Call[] = [];
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation) continue;
      const parameters = operation.parameters ?? [];
      const url = path.replace(/\{([^}]+)\}/g, (_match, name: string) => {
        const parameter = parameters.find((candidate) => candidate.in === 'path' && candidate.name === name);
        return encodeURIComponent(parameter ? valueOf(parameter) : 'x');
      });
      calls.push({
        key: `${method.toUpperCase()} ${path.replace(/\{([^}]+)\}/g, ':$1')}`,
        method: method.toUpperCase(),
        url,
        // Guards run before validation: `{}` where the route takes JSON, nothing where it takes files.
        jsonBody: operation.requestBody?.content?.['application/json'] !== undefined,
      });
    }
  }
  return calls;
}

async function inBatches<T>(items: readonly T[], each: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < items.length) await each(items[next++] as T);
    }),
  );
}

describe('authorization matrix: every operation × every caller against the policy', () => {
  let gateway: Gateway;
  let baseUrl: string;
  let responderConnection: NatsConnection;
  let document: OpenApiDocument;
  const callers: Caller[] = [
    { name: 'anonymous', apiKey: false, headers: () => ({}) },
    ...ALL_ROLES.map((role): Caller => {
      const token = mintToken({ sub: `matrix-${role}`, name: `Matrix ${role}`, roles: [role], groups: ['service-desk'] }, { expiresInSeconds: 3_600 });
      return { name: role, roles: [role], apiKey: false, headers: () => ({ authorization: `Bearer ${token}` }) };
    }),
  ];

  /** An API key created by an admin through the API, as a machine client would get one. */
  async function apiKeyCaller(name: string, roles: readonly Role[]): Promise<Caller> {
    const admin = callers.find((caller) => caller.name === 'admin');
    const response = await fetch(`${baseUrl}/v1/api-keys`, {
      method: 'POST',
      headers: { ...admin?.headers(), 'content-type': 'application/json' },
      body: JSON.stringify({ name, roles }),
    });
    expect(response.status).toBe(201);
    const { key } = (await response.json()) as { key: string };
    return { name: `API key (${roles.join(', ')})`, roles, apiKey: true, headers: () => ({ authorization: `Bearer ${key}` }) };
  }

  beforeAll(async () => {
    responderConnection = await connect(testNatsOptions('authorization-matrix-responder'));
    await resetStreams(responderConnection);
    ({ gateway, baseUrl } = await startGateway({
      RPC_TIMEOUT_MS: '2000',
      // Hundreds of calls from each caller within a minute: quotas would answer 429 before the policy is asked.
      RATE_LIMIT_ENABLED: 'false',
      API_KEY_HASH_SECRET: 'matrix-test-api-key-hash-secret-0123456789',
    }));
    const responder = new RpcResponder(responderConnection, [...new Set(AllRpc.map((rpc) => rpc.subject))]);
    responder.behaviour = () => ({ ok: true, data: {} });
    await responder.start();
    document = (await (await fetch(`${baseUrl}/openapi.json`)).json()) as OpenApiDocument;
    // One key holding every role shows the routes closed to keys; one holding a single role shows keys meet roles too.
    callers.push(await apiKeyCaller('matrix-every-role', ALL_ROLES), await apiKeyCaller('matrix-agent', [Role.Agent]));
  });

  afterAll(async () => {
    // The stand-in answers every RPC subject: it goes first, so that nothing after this file on this worker's broker
    // can ever be answered by it.
    await responderConnection?.drain();
    let timer: NodeJS.Timeout | undefined;
    const closed = await Promise.race([
      gateway?.close().then(() => true),
      new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), 20_000))),
    ]).finally(() => clearTimeout(timer));
    expect({ gatewayClosedWithin20s: closed }).toEqual({ gatewayClosedWithin20s: true });
  });

  it('documents exactly the operations the policy lists (the public probes and documents aside)', () => {
    const documented = callsOf(document).map((call) => call.key);
    const guarded = Object.entries(AUTHORIZATION_POLICY)
      .filter(([, access]) => !access.public)
      .map(([key]) => key);
    const documentedGuarded = documented.filter((key) => !(AUTHORIZATION_POLICY as Record<string, RouteAccess>)[key]?.public);

    expect({ missingFromPolicy: documentedGuarded.filter((key) => !guarded.includes(key)), missingFromDocument: guarded.filter((key) => !documented.includes(key)) }).toEqual({
      missingFromPolicy: [],
      missingFromDocument: [],
    });
  });

  it('answers every caller of every operation as the policy says', async () => {
    const table = AUTHORIZATION_POLICY as Record<string, RouteAccess>;
    const calls = callsOf(document).filter((call) => table[call.key] !== undefined);
    const cases = calls.flatMap((call) => callers.map((caller) => ({ call, caller })));
    const mismatches: string[] = [];

    await inBatches(cases, async ({ call, caller }) => {
      const want = expected(table[call.key] as RouteAccess, caller);
      const response = await fetch(`${baseUrl}${call.url}`, {
        method: call.method,
        headers: { ...caller.headers(), ...(call.jsonBody ? { 'content-type': 'application/json' } : {}) },
        ...(call.jsonBody ? { body: '{}' } : {}),
      });
      // A live stream stays open: its status is all this test reads.
      await response.body?.cancel();
      const refused = response.status === 401 || response.status === 403;
      if (want === 'allowed' ? refused : response.status !== want) {
        mismatches.push(`${call.key} as ${caller.name}: expected ${want}, got ${response.status}`);
      }
    });

    expect(cases.length).toBeGreaterThan(callers.length * 150);
    expect(mismatches.sort()).toEqual([]);
  });
});

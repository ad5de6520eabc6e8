/**
 * The permissions of libs/contracts (bus-access.ts) against the code: each service calls exactly the operations of
 * other services that SERVICE_CALLS lists, keeps exactly the consumers SERVICE_CONSUMERS lists, and the gateway calls
 * every declared operation. A call nobody declared would be refused by the broker; a declaration nobody uses would
 * allow a subject for nothing.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as contracts from '@itsm/contracts';
import { AllRpc, BUS_SERVICES, type BusService, type RpcDeclaration, SERVICE_CALLS, SERVICE_CONSUMERS } from '@itsm/contracts';

const ROOT = join(__dirname, '..');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [path] : [];
  });
}

const appSource = (app: string): string => sources(join(ROOT, 'apps', app, 'src')).map((file) => readFileSync(file, 'utf8')).join('\n');

/** `XxxRpc.operation` references in `text`, resolved through the contracts' exports. */
function rpcReferences(text: string): RpcDeclaration[] {
  const found = new Set<RpcDeclaration>();
  for (const [, group, key] of text.matchAll(/\b([A-Z][A-Za-z]*Rpc)\.([A-Za-z_]\w*)\b/g)) {
    const declaration = (contracts as unknown as Record<string, Record<string, RpcDeclaration> | undefined>)[group as string]?.[key as string];
    if (declaration?.kind === 'rpc') found.add(declaration);
  }
  return [...found];
}

/** Purposes of the `@OnEvent`/`@OnEvents` handlers in `text`, string literals or a `const PURPOSE = '…'` of the file. */
function consumerPurposes(files: string[]): string[] {
  const purposes = new Set<string>();
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const constants = new Map([...text.matchAll(/const ([A-Z_]+) = '([a-z0-9-]+)'/g)].map(([, name, value]) => [name as string, value as string]));
    for (const [, argument] of text.matchAll(/@OnEvents?\(\s*([A-Z_]+|'[a-z0-9-]+')/g)) {
      const purpose = argument?.startsWith("'") ? argument.slice(1, -1) : constants.get(argument as string);
      if (!purpose) throw new Error(`${file}: cannot tell the consumer purpose ${argument}`);
      purposes.add(purpose);
    }
  }
  return [...purposes].sort();
}

describe('bus permissions against the code', () => {
  it.each(BUS_SERVICES)('%s calls exactly the operations of other services that SERVICE_CALLS lists', (service: BusService) => {
    const called = rpcReferences(appSource(service)).filter((rpc) => rpc.domain !== service).map((rpc) => rpc.subject).sort();
    expect(called).toEqual(SERVICE_CALLS[service].map((rpc) => rpc.subject).sort());
  });

  it.each(BUS_SERVICES)('%s keeps exactly the consumers SERVICE_CONSUMERS lists', (service: BusService) => {
    expect(consumerPurposes(sources(join(ROOT, 'apps', service, 'src')))).toEqual([...SERVICE_CONSUMERS[service]].sort());
  });

  it('the gateway calls every declared operation (its permission to publish each is used)', () => {
    const text = appSource('gateway');
    const called = new Set(rpcReferences(text).map((rpc) => rpc.subject));
    // The audit trail asks every service through `AuditRpc[service]`.
    if (/\bAuditRpc\[/.test(text)) for (const rpc of Object.values(contracts.AuditRpc)) called.add(rpc.subject);
    const unused = (AllRpc as readonly RpcDeclaration[]).map((rpc) => rpc.subject).filter((subject) => !called.has(subject));
    expect(unused).toEqual([]);
  });

  it('names a declared operation a service calls without declaring it, so the check above can fail', () => {
    const text = "await this.rpc.call(SlaRpc.businessTimeBetween, {}); await this.rpc.call(IncidentRpc.get, { id });";
    expect(rpcReferences(text).map((rpc) => rpc.subject).sort()).toEqual([contracts.IncidentRpc.get.subject, contracts.SlaRpc.businessTimeBetween.subject]);
  });
});

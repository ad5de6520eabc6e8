/**
 * Mints an nkey for each identity of the suite and prints, for `kubectl apply -f -`, the Secrets the Kubernetes
 * manifests read: `nats-identities` (the public keys, NATS_KEY_<IDENTITY>, for the broker) and one
 * `nats-credentials-<identity>` per identity (its seed, `<identity>.nk`, for the app). Nothing is written to disk.
 *
 *   npm run --silent nats:identities -- [--namespace NS] [IDENTITY...]
 *
 * With identities named, only theirs are minted (rotation of those): their seed Secrets go to stdout, and the
 * command that puts their new public keys into `nats-identities` to stderr.
 */
import { SUITE_IDENTITIES } from '@itsm/contracts';
import { mintNkey, publicKeyVariable, seedFileName } from '@itsm/messaging';

const LABELS = { 'app.kubernetes.io/part-of': 'itsm-suite', 'app.kubernetes.io/component': 'message-broker' };

export interface IdentitySecretsOptions {
  namespace?: string;
  identities?: readonly string[];
}

function secret(name: string, namespace: string | undefined, data: Record<string, string>): string {
  const lines = ['apiVersion: v1', 'kind: Secret', 'metadata:', `  name: ${name}`];
  if (namespace) lines.push(`  namespace: ${namespace}`);
  lines.push('  labels:', ...Object.entries(LABELS).map(([key, value]) => `    ${key}: ${value}`), 'type: Opaque', 'stringData:');
  lines.push(...Object.entries(data).map(([key, value]) => `  ${JSON.stringify(key)}: ${JSON.stringify(value)}`));
  return lines.join('\n');
}

/**
 * The Secrets as YAML documents, and the public keys minted (identity → key). Without `identities`, every suite
 * identity and the Secret nats-identities with all of them.
 */
export function identitySecrets(options: IdentitySecretsOptions = {}): { yaml: string; publicKeys: Record<string, string> } {
  const all = !options.identities || options.identities.length === 0;
  const identities = all ? [...SUITE_IDENTITIES] : [...new Set(options.identities)];
  const unknown = identities.filter((identity) => !(SUITE_IDENTITIES as readonly string[]).includes(identity));
  if (unknown.length > 0) throw new Error(`not an identity of the suite: ${unknown.join(', ')} (known: ${SUITE_IDENTITIES.join(', ')})`);
  if (options.namespace !== undefined && !/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(options.namespace)) throw new Error(`not a namespace name: ${JSON.stringify(options.namespace)}`);
  const publicKeys: Record<string, string> = {};
  const documents: string[] = [];
  for (const identity of identities) {
    const { seed, publicKey } = mintNkey();
    publicKeys[identity] = publicKey;
    documents.push(secret(`nats-credentials-${identity}`, options.namespace, { [seedFileName(identity)]: seed }));
  }
  if (all) documents.unshift(secret('nats-identities', options.namespace, Object.fromEntries(identities.map((identity) => [publicKeyVariable(identity), publicKeys[identity] ?? '']))));
  return { yaml: `${documents.map((document) => `---\n${document}\n`).join('')}`, publicKeys };
}

function main(argv: string[]): void {
  let namespace: string | undefined;
  const identities: string[] = [];
  for (let index = 0; index < argv.length; index += 1) {
    const argument = argv[index] ?? '';
    if (argument === '--namespace' || argument === '-n') namespace = argv[++index];
    else if (argument.startsWith('--namespace=')) namespace = argument.slice('--namespace='.length);
    else if (argument.startsWith('-')) {
      process.stderr.write('usage: nats-identities [--namespace NS] [IDENTITY...]\n');
      process.exit(2);
    } else identities.push(argument);
  }
  let result: ReturnType<typeof identitySecrets>;
  try {
    result = identitySecrets({ namespace, identities });
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(2);
  }
  process.stdout.write(result.yaml);
  if (identities.length > 0) {
    const patch = JSON.stringify({ stringData: Object.fromEntries(Object.entries(result.publicKeys).map(([identity, key]) => [publicKeyVariable(identity), key])) });
    process.stderr.write(`Then give the broker the new public keys (they are not secret):\n  kubectl${namespace ? ` -n ${namespace}` : ''} patch secret nats-identities --type merge -p '${patch}'\n`);
  }
}

if (require.main === module) main(process.argv.slice(2));

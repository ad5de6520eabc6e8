/**
 * Read-only broker credentials for outside subscribers of the suite's events.
 *
 *   npm run --silent nats:subscriber -- NAME --subject 'itsm.events.incident.>' [--subject ...] [--namespace itsm] [--out FILE]
 *       mints an nkey for NAME (a new one when NAME is registered already: rotation), records NAME, its subjects and
 *       public key in k8s/base/nats/subscribers.json, rewrites k8s/base/nats/authorization.conf, and prints a
 *       Kubernetes Secret holding the seed (to stdout, or to FILE with mode 0600) for `kubectl apply -f -`.
 *       `--silent` keeps npm's banner off stdout, so that stdout is the manifest alone.
 *   npm run --silent nats:subscriber -- NAME --revoke
 *       removes NAME from both files: once the broker runs the new configuration, its key is refused.
 *
 * The seed is only ever printed (or written to FILE): the repository holds the public key alone.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { EVENTS_STREAM, subscriberGrantProblem } from '@itsm/contracts';
import { mintNkey, seedFileName } from '@itsm/messaging';
import { KUBERNETES_AUTHORIZATION_FILE, kubernetesAuthorization, type RegisteredSubscriber, SUBSCRIBERS_FILE } from './nats-authorization';

/** The namespace the suite's broker runs in by default (k8s overlays), and how a pod in another namespace reaches it. */
export const DEFAULT_NAMESPACE = 'itsm';
/** The broker as seen from other namespaces: TLS only, with the suite CA's certificate naming `nats.<namespace>.svc`. */
export const brokerUrlOf = (namespace: string): string => `tls://nats.${namespace}.svc:4222`;

export type SubscriberCommand =
  | { action: 'grant'; name: string; subjects: string[]; namespace: string; out?: string }
  | { action: 'revoke'; name: string };

export class UsageError extends Error {}

export const USAGE = [
  'usage: npm run --silent nats:subscriber -- NAME --subject SUBJECT [--subject SUBJECT ...] [--namespace NAMESPACE] [--out FILE]',
  '       npm run --silent nats:subscriber -- NAME --revoke',
].join('\n');

/** Reads the command line (after `--`); refuses unknown options, a missing name or value, and grants the contracts refuse. */
export function parseSubscriberArgs(argv: readonly string[]): SubscriberCommand {
  let name: string | undefined;
  const subjects: string[] = [];
  let namespace = DEFAULT_NAMESPACE;
  let out: string | undefined;
  let revoke = false;
  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index] as string;
    const value = (): string => {
      const next = argv[index + 1];
      if (next === undefined || next.startsWith('--')) throw new UsageError(`${arg} needs a value`);
      index += 1;
      return next;
    };
    if (arg === '--subject') subjects.push(value());
    else if (arg === '--namespace') namespace = value();
    else if (arg === '--out') out = value();
    else if (arg === '--revoke') revoke = true;
    else if (arg.startsWith('-')) throw new UsageError(`unknown option ${arg}`);
    else if (name === undefined) name = arg;
    else throw new UsageError(`one subscriber at a time (got ${name} and ${arg})`);
  }
  if (name === undefined) throw new UsageError('the subscriber name is missing');
  if (revoke) {
    if (subjects.length > 0 || out !== undefined) throw new UsageError('--revoke takes no --subject or --out');
    return { action: 'revoke', name };
  }
  // A Kubernetes namespace is a DNS label.
  if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(namespace)) throw new UsageError(`namespace ${namespace} is not a Kubernetes namespace name`);
  const problem = subscriberGrantProblem({ name, subjects });
  if (problem) throw new UsageError(problem);
  return { action: 'grant', name, subjects: [...new Set(subjects)], namespace, ...(out === undefined ? {} : { out }) };
}

/** The registry with `subscriber` in it: added at the end, or in place of the entry of the same name (a rotated key). */
export function withSubscriber(registry: readonly RegisteredSubscriber[], subscriber: RegisteredSubscriber): { subscribers: RegisteredSubscriber[]; rotated: boolean } {
  const rotated = registry.some((entry) => entry.name === subscriber.name);
  const subscribers = rotated ? registry.map((entry) => (entry.name === subscriber.name ? subscriber : entry)) : [...registry, subscriber];
  return { subscribers, rotated };
}

/** The registry without `name`; refuses a name that is not there, so a typo does not pass for a revocation. */
export function withoutSubscriber(registry: readonly RegisteredSubscriber[], name: string): RegisteredSubscriber[] {
  if (!registry.some((entry) => entry.name === name)) throw new UsageError(`no subscriber ${name} in the registry`);
  return registry.filter((entry) => entry.name !== name);
}

/** Name of the Kubernetes Secret of a subscriber's credential. */
export const secretNameOf = (name: string): string => `itsm-subscriber-${name}`;

/**
 * The Secret a subscriber's pods mount: the seed as `<name>.nk` (mounted as a file, read through
 * NATS_NKEY_SEED_FILE), and, as plain settings for its environment, where the broker is and what to consume.
 */
export function subscriberSecret(options: { name: string; subjects: readonly string[]; namespace: string; seed: string }): string {
  const manifest = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: secretNameOf(options.name),
      labels: { 'app.kubernetes.io/part-of': 'itsm-subscribers', 'itsm.example.com/subscriber': options.name },
    },
    type: 'Opaque',
    stringData: {
      [seedFileName(options.name)]: `${options.seed}\n`,
      NATS_URL: brokerUrlOf(options.namespace),
      NATS_STREAM: EVENTS_STREAM,
      SUBSCRIBER_NAME: options.name,
      // The durable consumer filters on one subject (the broker takes one filter per consumer); the first granted.
      SUBJECT: options.subjects[0] ?? '',
      SUBJECTS: options.subjects.join(','),
    },
  };
  return stringify(manifest, { lineWidth: 0 });
}

export interface RegistryFiles {
  subscribersFile: string;
  authorizationFile: string;
}

const readRegistry = (file: string): RegisteredSubscriber[] => JSON.parse(readFileSync(file, 'utf8')) as RegisteredSubscriber[];

function writeRegistry(files: RegistryFiles, subscribers: RegisteredSubscriber[]): void {
  // The authorization is rendered first: a registry it cannot render is never written.
  const authorization = kubernetesAuthorization(subscribers);
  writeFileSync(files.subscribersFile, `${JSON.stringify(subscribers, null, 2)}\n`);
  writeFileSync(files.authorizationFile, authorization);
}

/** Carries out a command on the registry files; for a grant, the Secret manifest with the new seed. */
export function runSubscriberCommand(command: SubscriberCommand, files: RegistryFiles): { manifest?: string; rotated?: boolean } {
  const registry = readRegistry(files.subscribersFile);
  if (command.action === 'revoke') {
    writeRegistry(files, withoutSubscriber(registry, command.name));
    return {};
  }
  const key = mintNkey();
  const { subscribers, rotated } = withSubscriber(registry, { name: command.name, subjects: command.subjects, publicKey: key.publicKey });
  writeRegistry(files, subscribers);
  return { manifest: subscriberSecret({ ...command, seed: key.seed }), rotated };
}

function main(argv: string[]): void {
  let command: SubscriberCommand;
  try {
    command = parseSubscriberArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message}\n${USAGE}\n`);
    process.exit(2);
  }
  const files = { subscribersFile: SUBSCRIBERS_FILE, authorizationFile: KUBERNETES_AUTHORIZATION_FILE };
  let result: ReturnType<typeof runSubscriberCommand>;
  try {
    result = runSubscriberCommand(command, files);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
  const deploy = 'Commit k8s/base/nats/subscribers.json and authorization.conf and deploy them (kubectl apply -k ...); the broker then knows the key.';
  if (command.action === 'revoke') {
    process.stderr.write(`Removed subscriber ${command.name}. ${deploy.replace('knows the key', 'refuses its key')}\n`);
    process.stderr.write(`Then delete its Secret: kubectl delete secret ${secretNameOf(command.name)} -n <its namespace>\n`);
    return;
  }
  const manifest = result.manifest as string;
  if (command.out) {
    // A new file, so the mode holds even where an older, more open one was.
    rmSync(command.out, { force: true });
    writeFileSync(command.out, manifest, { mode: 0o600, flag: 'wx' });
  } else process.stdout.write(manifest);
  process.stderr.write(
    [
      `${result.rotated ? 'Rotated the key of' : 'Registered'} subscriber ${command.name} for ${command.subjects.join(', ')}.`,
      command.out
        ? `The Secret ${secretNameOf(command.name)} is in ${command.out} (mode 0600): kubectl apply -n <its namespace> -f ${command.out}, then delete the file.`
        : `The Secret ${secretNameOf(command.name)} went to stdout: pipe it into kubectl apply -n <its namespace> -f - ; do not keep it in a file.`,
      deploy,
      result.rotated ? 'The old key stops working when the broker reloads the configuration: apply the new Secret first.' : '',
      '',
    ]
      .filter((line, index, lines) => line !== '' || index === lines.length - 1)
      .join('\n'),
  );
}

if (require.main === module) main(process.argv.slice(2));

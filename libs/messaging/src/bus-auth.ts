import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { nkeys } from 'nats';
import { type BusPermissions, SUITE_IDENTITIES, type SubscriberGrant, subscriberPermissions, suitePermissions, type SuiteIdentity } from '@itsm/contracts';

/** An nkey pair: the seed (`SU…`, the secret the client signs with) and its public key (`U…`, all the server holds). */
export interface NkeyIdentity {
  seed: string;
  publicKey: string;
}

export function mintNkey(): NkeyIdentity {
  const pair = nkeys.createUser();
  return { seed: new TextDecoder().decode(pair.getSeed()), publicKey: pair.getPublicKey() };
}

export function publicKeyOfSeed(seed: string): string {
  return nkeys.fromSeed(new TextEncoder().encode(seed.trim())).getPublicKey();
}

/**
 * File of a credentials directory listing the public keys (one per line) whose signature makes an RPC actor trusted:
 * the gateway's. What a service trusts when ACTOR_ISSUER_KEYS is not set.
 */
export const ACTOR_ISSUERS_FILE = 'actor-issuers';

/** The public keys of a credentials directory's `actor-issuers` file, or undefined when it has none. */
export function readActorIssuers(directory: string | undefined): string[] | undefined {
  if (!directory) return undefined;
  let text: string;
  try {
    text = readFileSync(join(directory, ACTOR_ISSUERS_FILE), 'utf8');
  } catch {
    return undefined;
  }
  const keys = text.split('\n').map((line) => line.trim()).filter(Boolean);
  for (const key of keys) if (!/^U[A-Z2-7]{55}$/.test(key)) throw new Error(`NATS_CREDENTIALS_DIR: ${ACTOR_ISSUERS_FILE} holds a line that is not a public user nkey`);
  return keys;
}

/** File name of an identity's seed in a credentials directory (NATS_CREDENTIALS_DIR). */
export function seedFileName(identity: string): string {
  return `${identity}.nk`;
}

/**
 * The seed of `identity` from a credentials directory: undefined when the directory is not set. A directory set
 * without the file is a configuration error; the message names the file, never its content.
 */
export function readSeed(directory: string | undefined, identity: string): string | undefined {
  if (!directory) return undefined;
  const file = join(directory, seedFileName(identity));
  let seed: string;
  try {
    seed = readFileSync(file, 'utf8').trim();
  } catch (error) {
    throw new Error(`NATS_CREDENTIALS_DIR: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`);
  }
  if (!/^SU[A-Z2-7]{56}$/.test(seed)) throw new Error(`NATS_CREDENTIALS_DIR: ${file} does not hold an nkey user seed (SU…)`);
  return seed;
}

/** A user of the broker: its public key, or `$VARIABLE` read from the server's environment, and its permissions. */
export interface BrokerUser {
  /** For the reader of the configuration: which identity this is. */
  name: string;
  nkey: string;
  permissions: BusPermissions;
}

function quote(subject: string): string {
  if (/["\\\n]/.test(subject)) throw new Error(`subject ${JSON.stringify(subject)} cannot be written to the server configuration`);
  return `"${subject}"`;
}

function renderList(subjects: readonly string[], indent: string): string {
  return `[\n${subjects.map((subject) => `${indent}  ${quote(subject)}`).join('\n')}\n${indent}]`;
}

function renderPermissions(permissions: BusPermissions, indent: string): string {
  const lines: string[] = [];
  for (const direction of ['publish', 'subscribe'] as const) {
    const rule = permissions[direction];
    lines.push(`${indent}${direction}: {`);
    lines.push(`${indent}  allow: ${renderList(rule.allow, `${indent}  `)}`);
    if (rule.deny && rule.deny.length > 0) lines.push(`${indent}  deny: ${renderList(rule.deny, `${indent}  `)}`);
    lines.push(`${indent}}`);
  }
  if (permissions.allow_responses) lines.push(`${indent}allow_responses: true`);
  return lines.join('\n');
}

/**
 * The `authorization` block of the NATS server configuration: one nkey user per identity, with its permissions. No
 * connection without one of these keys is accepted. The same text is used by the test brokers, `npm start`,
 * docker-compose and Kubernetes.
 */
export function renderAuthorization(users: readonly BrokerUser[]): string {
  const blocks = users.map((user) => {
    const nkey = user.nkey.startsWith('$') ? user.nkey : quote(user.nkey);
    return [`    # ${user.name}`, '    {', `      nkey: ${nkey}`, '      permissions: {', renderPermissions(user.permissions, '        '), '      }', '    }'].join('\n');
  });
  return ['authorization {', '  users: [', blocks.join('\n'), '  ]', '}', ''].join('\n');
}

/** The environment variable that holds an identity's public key where the configuration reads it from the environment. */
export function publicKeyVariable(identity: string): string {
  return `NATS_KEY_${identity.toUpperCase().replace(/-/g, '_')}`;
}

/**
 * Users of the suite's identities (and of the given subscribers), with public keys from `keys`, or, for an identity
 * missing from it, the `$NATS_KEY_<IDENTITY>` variable of the server's environment.
 */
export function brokerUsers(keys: Partial<Record<string, string>>, subscribers: readonly (SubscriberGrant & { publicKey: string })[] = []): BrokerUser[] {
  return [
    ...SUITE_IDENTITIES.map((identity: SuiteIdentity) => ({
      name: identity,
      nkey: keys[identity] ?? `$${publicKeyVariable(identity)}`,
      permissions: suitePermissions(identity, subscribers.map((subscriber) => subscriber.name)),
    })),
    ...subscribers.map((subscriber) => ({ name: `subscriber ${subscriber.name}`, nkey: subscriber.publicKey, permissions: subscriberPermissions(subscriber) })),
  ];
}

/**
 * Keys of every suite identity in `directory` (`<identity>.nk`, mode 0600), minted where missing and kept where
 * present, and the authorization block for them: what a private broker (tests, `npm start`) runs with.
 */
export function ensureLocalIdentities(
  directory: string,
  options: { trustAdminActors?: boolean } = {},
): { credentialsDir: string; authorization: string; publicKeys: Record<string, string> } {
  mkdirSync(directory, { recursive: true, mode: 0o700 });
  const publicKeys: Record<string, string> = {};
  for (const identity of SUITE_IDENTITIES) {
    const file = join(directory, seedFileName(identity));
    if (!existsSync(file)) writeFileSync(file, `${mintNkey().seed}\n`, { mode: 0o600 });
    publicKeys[identity] = publicKeyOfSeed(readSeed(directory, identity) as string);
  }
  // Services believe actors signed by the gateway; test harnesses also call services directly as `admin`.
  const issuers = [publicKeys['gateway'], ...(options.trustAdminActors ? [publicKeys['admin']] : [])];
  writeFileSync(join(directory, ACTOR_ISSUERS_FILE), `${issuers.join('\n')}\n`, { mode: 0o600 });
  return { credentialsDir: directory, authorization: renderAuthorization(brokerUsers(publicKeys)), publicKeys };
}

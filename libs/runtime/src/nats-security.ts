import { type NatsSecurity, readActorIssuers, readSeed } from '@itsm/messaging';
import type { ProcessConfig, ServiceConfig } from './service-config';

/** The broker credentials and TLS settings of process `identity` (a service's name, or `gateway`) from its configuration. */
export function natsSecurityOf(config: ProcessConfig, identity: string): NatsSecurity {
  return {
    identity,
    nkeySeed: readSeed(config.NATS_CREDENTIALS_DIR, identity),
    tlsCaFile: config.NATS_TLS_CA_FILE,
    tlsCertFile: config.NATS_TLS_CERT_FILE,
    tlsKeyFile: config.NATS_TLS_KEY_FILE,
  };
}

/**
 * Whose signature makes the actor of an RPC request trusted: ACTOR_ISSUER_KEYS, else the `actor-issuers` file of
 * the credentials directory. A service with broker credentials must know it: starting without would believe any
 * actor a caller sends, so it refuses to. Without credentials (a broker without authorization), undefined: actors
 * are believed as they come.
 */
export function actorIssuersOf(config: ServiceConfig): string[] | undefined {
  const issuers = config.ACTOR_ISSUER_KEYS ?? readActorIssuers(config.NATS_CREDENTIALS_DIR);
  if (config.NATS_CREDENTIALS_DIR && (!issuers || issuers.length === 0)) {
    throw new Error('ACTOR_ISSUER_KEYS is not set and NATS_CREDENTIALS_DIR holds no actor-issuers file: the service would not know whose actors to believe');
  }
  return issuers;
}

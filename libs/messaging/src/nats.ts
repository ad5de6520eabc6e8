import { connect, type ConnectionOptions, headers as natsHeaders, type MsgHdrs, type NatsConnection, nkeyAuthenticator } from 'nats';
import { inboxPrefixOf, MessageHeaders } from '@itsm/contracts';
import { registerActorSigner } from './actor-signature';
import type { WorkContext } from '@itsm/observability';

/** Injection token of a process's NATS connection. */
export const NATS_CONNECTION = Symbol('NATS_CONNECTION');

/** How a process proves who it is to the broker, and how it checks the broker. */
export interface NatsSecurity {
  /** The identity (service name, `gateway`, a subscriber's name): its replies come on its own inbox prefix. */
  identity?: string;
  /** nkey user seed (`SU…`) the client signs the server's challenge with. */
  nkeySeed?: string;
  /** PEM file of the CA that signed the broker's certificate: the connection requires TLS and verifies the server. */
  tlsCaFile?: string;
  /** Client certificate and key (PEM files), for brokers that ask for mutual TLS. */
  tlsCertFile?: string;
  tlsKeyFile?: string;
}

/** Connection options of a process of the suite: reconnects for ever, authenticates with its nkey, verifies TLS. */
export function natsConnectionOptions(url: string, name: string, security: NatsSecurity = {}): ConnectionOptions {
  const options: ConnectionOptions = {
    servers: url.split(',').map((server) => server.trim()),
    name,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 500,
    waitOnFirstConnect: false,
    // The wait for the first handshake: a busy machine (two test workers on two cores, a node starting) can take seconds.
    timeout: 20_000,
  };
  if (security.nkeySeed) options.authenticator = nkeyAuthenticator(new TextEncoder().encode(security.nkeySeed));
  if (security.identity) options.inboxPrefix = inboxPrefixOf(security.identity);
  if (security.tlsCaFile) {
    // Files, read at every (re)connection: a renewed certificate is picked up without a restart.
    options.tls = {
      caFile: security.tlsCaFile,
      ...(security.tlsCertFile ? { certFile: security.tlsCertFile } : {}),
      ...(security.tlsKeyFile ? { keyFile: security.tlsKeyFile } : {}),
    };
  }
  return options;
}

/** Connects; with an nkey seed, the connection also signs the actors of the RPC calls it originates (actor-signature.ts). */
export async function connectNats(url: string, name: string, security: NatsSecurity = {}): Promise<NatsConnection> {
  const nc = await connect(natsConnectionOptions(url, name, security));
  if (security.nkeySeed) registerActorSigner(nc, security.nkeySeed);
  return nc;
}

/** Headers that carry the work context from one service to the next. */
export function contextHeaders(context: WorkContext | undefined, into: MsgHdrs = natsHeaders()): MsgHdrs {
  if (!context) return into;
  into.set(MessageHeaders.correlationId, context.correlationId);
  into.set(MessageHeaders.traceparent, context.traceparent);
  if (context.causationId) into.set(MessageHeaders.causationId, context.causationId);
  if (context.actorProof) {
    into.set(MessageHeaders.actor, context.actorProof.json);
    into.set(MessageHeaders.actorSignature, context.actorProof.signature);
  } else if (context.actor) {
    into.set(MessageHeaders.actor, JSON.stringify(context.actor));
  }
  return into;
}

export function headerValue(headers: MsgHdrs | undefined, name: string): string | undefined {
  const value = headers?.get(name);
  return value ? value : undefined;
}

/**
 * CloudEvents 1.0 structured-mode JSON envelope of every event on `ITSM_EVENTS`.
 * Extension attribute names are lower-case alphanumerics, as the spec requires.
 */
export interface CloudEvent<T = unknown> {
  specversion: '1.0';
  /** UUID; also the `Nats-Msg-Id` header, so JetStream drops a re-publication within its window. */
  id: string;
  /** `itsm/<service>` */
  source: string;
  /** `itsm.<domain>.<type>.v<N>` */
  type: string;
  /** Id of the record the event is about. */
  subject: string;
  /** RFC 3339 instant in UTC. */
  time: string;
  datacontenttype: 'application/json';
  correlationid: string;
  causationid?: string;
  traceparent?: string;
  data: T;
}

/** Header names used on NATS messages, events and RPC alike. */
export const MessageHeaders = {
  msgId: 'Nats-Msg-Id',
  correlationId: 'x-correlation-id',
  causationId: 'x-causation-id',
  traceparent: 'traceparent',
  /** JSON of the calling user ({ sub, name, roles, groups }) on RPC requests from the gateway. */
  actor: 'x-actor',
  /**
   * `<issuer public key>.<expiry, epoch ms>.<Ed25519 signature, base64url>` over the exact `x-actor` value, a line
   * feed and the expiry: the gateway signs the actor with its nkey, services forward it unchanged, and a service
   * trusts an actor only under a valid signature of an issuer it is configured to trust (ACTOR_ISSUER_KEYS).
   */
  actorSignature: 'x-actor-signature',
  /** Epoch milliseconds after which the caller no longer waits for an RPC answer. */
  deadline: 'x-deadline',
} as const;

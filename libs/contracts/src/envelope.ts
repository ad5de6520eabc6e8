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
  /** Epoch milliseconds after which the caller no longer waits for an RPC answer. */
  deadline: 'x-deadline',
} as const;

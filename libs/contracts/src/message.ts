/** Declarations of every message on the bus: one object per event or RPC operation, typed end to end. */
import type { Role } from './actor';

export type ClassOf<T> = new (...args: never[]) => T;

export const EVENT_SUBJECT_ROOT = 'itsm.events';
export const RPC_SUBJECT_ROOT = 'itsm.rpc';
export const DLQ_SUBJECT_ROOT = 'itsm.dlq';
/** The JetStream stream holding every event of the suite. */
export const EVENTS_STREAM = 'ITSM_EVENTS';
/** The JetStream stream holding dead letters of every consumer. */
export const DLQ_STREAM = 'ITSM_DLQ';
/** Filter that takes every event of the suite. */
export const ALL_EVENTS = `${EVENT_SUBJECT_ROOT}.>`;
export const ALL_DEAD_LETTERS = `${DLQ_SUBJECT_ROOT}.>`;

export type Domain = 'incident' | 'problem' | 'change' | 'cmdb' | 'sla' | 'knowledge' | 'notification';

export interface EventDeclaration<TName extends string = string, TPayload = unknown> {
  readonly kind: 'event';
  /** NATS subject, wire format: `itsm.events.<domain>.<type>.v<N>`. */
  readonly subject: TName;
  /** CloudEvents `type`: `itsm.<domain>.<type>.v<N>`. */
  readonly type: string;
  readonly domain: Domain;
  readonly name: string;
  readonly version: number;
  readonly payload: ClassOf<TPayload>;
  readonly summary: string;
}

export interface RpcDeclaration<TName extends string = string, TRequest = unknown, TResponse = unknown> {
  readonly kind: 'rpc';
  /** NATS subject, wire format: `itsm.rpc.<domain>.<operation>`. */
  readonly subject: TName;
  readonly domain: Domain;
  readonly operation: string;
  readonly request: ClassOf<TRequest>;
  readonly response: ClassOf<TResponse>;
  readonly summary: string;
  /**
   * Who may call it: the caller must hold one of these roles. The gateway's route guard and the service's RPC
   * server both read this one list, so the two cannot disagree. Finer rules (whose record it is, which fields a
   * role may set) are the service's access rules.
   */
  readonly roles: readonly Role[];
}

/**
 * The subject an event of `type` is published on, declared or not: `itsm.<domain>.<name>.v<N>` goes on
 * `itsm.events.<domain>.<name>.v<N>`. A consumer refuses an event that came on another subject.
 */
export function eventSubjectOfType(type: string): string {
  return `${EVENT_SUBJECT_ROOT}.${type.replace(/^itsm\./, '')}`;
}

export function defineEvent<D extends Domain, N extends string, V extends number, P>(decl: {
  domain: D;
  name: N;
  version: V;
  payload: ClassOf<P>;
  summary: string;
}): EventDeclaration<`itsm.events.${D}.${N}.v${V}`, P> {
  return {
    kind: 'event',
    subject: `${EVENT_SUBJECT_ROOT}.${decl.domain}.${decl.name}.v${decl.version}` as `itsm.events.${D}.${N}.v${V}`,
    type: `itsm.${decl.domain}.${decl.name}.v${decl.version}`,
    domain: decl.domain,
    name: decl.name,
    version: decl.version,
    payload: decl.payload,
    summary: decl.summary,
  };
}

export function defineRpc<D extends Domain, O extends string, Req, Res>(decl: {
  domain: D;
  operation: O;
  request: ClassOf<Req>;
  response: ClassOf<Res>;
  summary: string;
  roles: readonly Role[];
}): RpcDeclaration<`itsm.rpc.${D}.${O}`, Req, Res> {
  return {
    kind: 'rpc',
    subject: `${RPC_SUBJECT_ROOT}.${decl.domain}.${decl.operation}` as `itsm.rpc.${D}.${O}`,
    domain: decl.domain,
    operation: decl.operation,
    request: decl.request,
    response: decl.response,
    summary: decl.summary,
    roles: decl.roles,
  };
}

export type PayloadOf<E> = E extends EventDeclaration<string, infer P> ? P : never;
export type RequestOf<R> = R extends RpcDeclaration<string, infer Q, unknown> ? Q : never;
export type ResponseOf<R> = R extends RpcDeclaration<string, unknown, infer S> ? S : never;

/** Subject that takes every event of one domain, e.g. `itsm.events.incident.>`. */
export function domainEvents(domain: Domain): string {
  return `${EVENT_SUBJECT_ROOT}.${domain}.>`;
}

/** Dead-letter subject of a durable consumer. */
export function deadLetterSubject(consumer: string): string {
  return `${DLQ_SUBJECT_ROOT}.${consumer}`;
}

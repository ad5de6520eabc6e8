import { randomUUID } from 'node:crypto';
import { applyDecorators, Injectable, Logger, UseInterceptors, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { MessagePattern, type NatsContext } from '@nestjs/microservices';
import { Observable, catchError, from, map, mergeMap, of } from 'rxjs';
import type { MsgHdrs, NatsConnection } from 'nats';
import {
  type Actor,
  CommonError,
  CommonErrorCode,
  DomainError,
  ErrorCode,
  type ErrorBody,
  MessageHeaders,
  type RequestOf,
  type ResponseOf,
  type RpcDeclaration,
  type RpcReply,
  validatePayload,
} from '@itsm/contracts';
import { contextFromHeaders, counter, histogram, type WorkContext, WorkContexts } from '@itsm/observability';
import { isTransientDatabaseError, PgErrorCode, pgErrorCode } from '@itsm/persistence';
import { contextHeaders, headerValue } from './nats';
import { ACTOR_SIGNATURE_SKEW_MS, signActor, verifyActor } from './actor-signature';

const rpcRequests = counter('itsm_rpc_requests_total', 'RPC requests handled, by subject and outcome', ['subject', 'outcome']);
const rpcDuration = histogram('itsm_rpc_duration_seconds', 'Time to handle an RPC request', ['subject'], [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]);

function parseActor(raw: string | undefined): Actor | undefined {
  if (!raw) return undefined;
  try {
    const actor = JSON.parse(raw) as Actor;
    return typeof actor.sub === 'string' && Array.isArray(actor.roles) ? actor : undefined;
  } catch {
    return undefined;
  }
}

const untrustedActors = counter('itsm_rpc_untrusted_actors_total', 'RPC requests whose actor was ignored: unsigned, expired, or signed by an issuer not trusted', ['subject']);

/** The caller of an RPC request, if its headers carry one this service may believe, with the proof to forward. */
function trustedActor(headers: MsgHdrs | undefined, subject: string, logger: Logger): { actor?: Actor; actorProof?: { json: string; signature: string } } {
  const json = headerValue(headers, MessageHeaders.actor);
  const actor = parseActor(json);
  if (!actor || !json) return {};
  const signature = headerValue(headers, MessageHeaders.actorSignature);
  const verdict = verifyActor(json, signature);
  if (!verdict.trusted) {
    untrustedActors.inc({ subject });
    logger.warn({ subject, reason: verdict.reason, msg: 'RPC actor ignored' });
    return {};
  }
  return { actor, ...(signature ? { actorProof: { json, signature } } : {}) };
}

/** The calling user of the RPC in progress; a command without one is refused. */
export function currentActor(): Actor {
  const actor = WorkContexts.current()?.actor;
  if (!actor) throw new CommonError(CommonErrorCode.Unauthenticated, 'this operation needs an authenticated caller');
  return actor;
}

/** Refuses a caller holding none of the roles the operation is declared for (its `roles`). */
export function assertCallerRoles(declaration: Pick<RpcDeclaration, 'roles'>): void {
  const actor = currentActor();
  if (!actor.roles.some((role) => declaration.roles.includes(role))) {
    throw new CommonError(CommonErrorCode.RoleRequired, `this operation needs one of the roles: ${declaration.roles.join(', ')}`);
  }
}

/**
 * Wraps an RPC handler: checks the caller's roles against the declaration's, validates the request against its
 * declared class, runs the handler in the caller's work context (correlation id, trace, actor from NATS headers),
 * and turns the result into the `{ ok, data | error }` reply. Unexpected errors are logged with an `errorId` that
 * the reply carries.
 */
@Injectable()
export class RpcReplyInterceptor implements NestInterceptor {
  private readonly logger = new Logger('Rpc');

  constructor(private readonly declaration: RpcDeclaration) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<RpcReply<unknown>> {
    const rpc = context.switchToRpc();
    const headers = rpc.getContext<NatsContext>().getHeaders() as MsgHdrs | undefined;
    const work = contextFromHeaders({
      correlationId: headerValue(headers, MessageHeaders.correlationId),
      causationId: headerValue(headers, MessageHeaders.causationId),
      traceparent: headerValue(headers, MessageHeaders.traceparent),
      ...trustedActor(headers, this.declaration.subject, this.logger),
    });
    const subject = this.declaration.subject;
    const stop = rpcDuration.startTimer({ subject });
    const deadline = Number(headerValue(headers, MessageHeaders.deadline));
    if (Number.isFinite(deadline) && deadline > 0 && Date.now() >= deadline) {
      // The caller has given up (it answered 504): doing the work now would write what nobody was told about.
      rpcRequests.inc({ subject, outcome: ErrorCode.TIMEOUT });
      stop();
      return of({ ok: false, error: { code: ErrorCode.TIMEOUT, message: 'the caller stopped waiting before the request was handled' } });
    }
    return new Observable<RpcReply<unknown>>((subscriber) =>
      WorkContexts.run(work, () =>
        from(
          (async () => {
            assertCallerRoles(this.declaration);
            return validatePayload(this.declaration.request as new () => object, rpc.getData());
          })(),
        )
          .pipe(
            mergeMap((checked) => {
              if (!checked.ok) throw new CommonError(CommonErrorCode.InvalidRequest, 'request is not valid', { errors: checked.errors });
              return next.handle();
            }),
            map((data: unknown): RpcReply<unknown> => ({ ok: true, data })),
            catchError((error: unknown) => of(this.toErrorReply(error))),
          )
          .subscribe({
            next: (reply) => {
              rpcRequests.inc({ subject, outcome: reply.ok ? 'ok' : reply.error.code });
              stop();
              subscriber.next(reply);
            },
            error: (error: unknown) => subscriber.error(error),
            complete: () => subscriber.complete(),
          }),
      ),
    );
  }

  private toErrorReply(error: unknown): RpcReply<never> {
    if (error instanceof DomainError && error.code !== ErrorCode.INTERNAL) return { ok: false, error: error.toBody() };
    if (isTransientDatabaseError(error)) {
      this.logger.warn({ err: error, subject: this.declaration.subject, msg: 'database unavailable' });
      return { ok: false, error: { code: ErrorCode.UNAVAILABLE, message: 'the service cannot reach its database; try again' } };
    }
    if (pgErrorCode(error) === PgErrorCode.uniqueViolation) {
      const constraint = (error as { constraint?: string; driverError?: { constraint?: string } }).driverError?.constraint;
      return { ok: false, error: { code: ErrorCode.CONFLICT, message: 'a record with the same unique value exists', ...(constraint ? { details: { constraint } } : {}) } };
    }
    const errorId = randomUUID();
    this.logger.error({ err: error, errorId, subject: this.declaration.subject, msg: 'RPC handler failed' });
    return { ok: false, error: { code: ErrorCode.INTERNAL, message: 'internal error', details: { errorId } } };
  }
}

type RpcMethod<D extends RpcDeclaration> = (request: RequestOf<D>, ...rest: never[]) => Promise<ResponseOf<D>>;

/** Declares a method as the handler of one RPC declaration, typed by that declaration. */
export function RpcHandler<D extends RpcDeclaration>(declaration: D) {
  const decorate = applyDecorators(MessagePattern(declaration.subject), UseInterceptors(new RpcReplyInterceptor(declaration)));
  return <M extends RpcMethod<D>>(target: object, key: string | symbol, descriptor: TypedPropertyDescriptor<M>): void => {
    decorate(target, key, descriptor);
  };
}

/** Thrown by {@link RpcClient} for an error reply, a timeout or no responder. */
export class RpcError extends DomainError {}

export interface RpcCallOptions {
  timeoutMs?: number;
  /** Sent as the acting user; defaults to the actor of the current work context. */
  actor?: Actor;
}

/**
 * Calls a service over NATS request/reply in the wire format of Nest's NATS transport, typed by the RPC
 * declaration, with the current work context in the headers.
 */
export class RpcClient {
  constructor(
    private readonly nc: NatsConnection,
    private readonly defaultTimeoutMs: number,
  ) {}

  async call<D extends RpcDeclaration>(declaration: D, request: RequestOf<D>, options: RpcCallOptions = {}): Promise<ResponseOf<D>> {
    const context = WorkContexts.current() ?? contextFromHeaders({});
    // A caller's proof is forwarded as it came; an actor made here (or given) is signed with this process's key.
    const acting: WorkContext = options.actor ? { ...context, actor: options.actor, actorProof: undefined } : context;
    const headers = contextHeaders(acting);
    const timeoutMs = options.timeoutMs ?? this.defaultTimeoutMs;
    const deadline = Date.now() + timeoutMs;
    headers.set(MessageHeaders.deadline, String(deadline));
    if (acting.actor && !acting.actorProof) {
      const signature = signActor(this.nc, headers.get(MessageHeaders.actor), deadline + ACTOR_SIGNATURE_SKEW_MS);
      if (signature) headers.set(MessageHeaders.actorSignature, signature);
    }
    const id = randomUUID();
    let raw;
    try {
      raw = await this.nc.request(declaration.subject, JSON.stringify({ pattern: declaration.subject, data: request, id }), {
        timeout: timeoutMs,
        headers,
      });
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === '503') throw new RpcError(ErrorCode.UNAVAILABLE, `no ${declaration.domain} service is answering`);
      if (code === 'TIMEOUT') throw new RpcError(ErrorCode.TIMEOUT, `${declaration.domain} service did not answer in time`);
      throw new RpcError(ErrorCode.UNAVAILABLE, `messaging failure: ${(error as Error).message}`);
    }
    const packet = raw.json<{ response?: RpcReply<ResponseOf<D>>; err?: unknown }>();
    const reply = packet.response;
    if (!reply) throw new RpcError(ErrorCode.INTERNAL, `malformed reply on ${declaration.subject}: ${JSON.stringify(packet.err ?? packet)}`);
    if (!reply.ok) throw rpcErrorFrom(reply.error);
    return reply.data;
  }
}

function rpcErrorFrom(body: ErrorBody): RpcError {
  return new RpcError(body.code, body.message, body.details, body.reason);
}

import { Injectable } from '@nestjs/common';
import { assertAuditPeriod, AuditRpc, type AuditedService, type AuditPage, type AuditQuery, DEFAULT_PAGE_SIZE, DomainError, encodeAuditPosition, ErrorCode } from '@itsm/contracts';
import { RpcClient, RpcError } from '@itsm/messaging';
import { type AuditTrailPositions, decodeAuditTrailCursor, encodeAuditTrailCursor, mergeAuditPages, servicesToAsk, type ServiceAuditPage } from './audit-trail';

/**
 * Reads the audit trail of every service at once and merges it newest first. A page is whole or not given: when a
 * service does not answer, the request fails naming it (503, or 504 when it timed out), because a page without one
 * service's entries would look complete and its cursor would skip them for good.
 */
@Injectable()
export class AuditTrailService {
  constructor(private readonly rpc: RpcClient) {}

  async list(query: AuditQuery): Promise<AuditPage> {
    assertAuditPeriod(query);
    const { cursor, limit: asked, ...filters } = query;
    const limit = asked ?? DEFAULT_PAGE_SIZE;
    const positions: AuditTrailPositions = cursor === undefined ? {} : decodeAuditTrailCursor(cursor);
    const services = servicesToAsk(positions);
    const answers = await Promise.allSettled(
      services.map(async (service): Promise<ServiceAuditPage> => {
        const position = positions[service];
        const page = await this.rpc.call(AuditRpc[service], { ...filters, limit, ...(position ? { cursor: encodeAuditPosition(position) } : {}) });
        return { service, page };
      }),
    );
    const pages: ServiceAuditPage[] = [];
    const silent: Array<{ service: AuditedService; error: RpcError }> = [];
    const refusals: unknown[] = [];
    answers.forEach((answer, index) => {
      const service = services[index] as AuditedService;
      if (answer.status === 'fulfilled') pages.push(answer.value);
      else if (answer.reason instanceof RpcError && (answer.reason.code === ErrorCode.TIMEOUT || answer.reason.code === ErrorCode.UNAVAILABLE)) silent.push({ service, error: answer.reason });
      else refusals.push(answer.reason);
    });
    // Every service checks the same query alike: the first refusal speaks for all.
    if (refusals.length > 0) throw refusals[0];
    if (silent.length > 0) throw notAnswering(silent);
    const merged = mergeAuditPages(limit, positions, pages);
    return { items: merged.items, nextCursor: encodeAuditTrailCursor(merged.positions) };
  }
}

function notAnswering(silent: ReadonlyArray<{ service: AuditedService; error: RpcError }>): DomainError {
  const timedOut = silent.filter(({ error }) => error.code === ErrorCode.TIMEOUT).map(({ service }) => service);
  const unavailable = silent.filter(({ error }) => error.code === ErrorCode.UNAVAILABLE).map(({ service }) => service);
  const services = silent.map(({ service }) => service);
  const said = [
    ...(unavailable.length > 0 ? [`${unavailable.join(', ')} not answering`] : []),
    ...(timedOut.length > 0 ? [`${timedOut.join(', ')} not answering in time`] : []),
  ].join('; ');
  return new RpcError(timedOut.length > 0 ? ErrorCode.TIMEOUT : ErrorCode.UNAVAILABLE, `the audit trail cannot be read whole: ${said}`, { services });
}

import { Controller, type DynamicModule, Inject, Module } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import {
  type AuditedService,
  type AuditEntryView,
  type AuditPage,
  type AuditQuery,
  assertAuditPeriod,
  auditRpcOf,
  DEFAULT_PAGE_SIZE,
  decodeAuditPosition,
  diffFields,
  encodeAuditPosition,
} from '@itsm/contracts';
import { RpcHandler } from '@itsm/messaging';
import { AuditEntry, type AuditRow, readAuditTrail } from '@itsm/persistence';

/** A page of a service's own audit trail: the one implementation behind every service's `audit_list`. */
export async function listAuditTrail(dataSource: DataSource, service: AuditedService, query: AuditQuery): Promise<AuditPage> {
  assertAuditPeriod(query);
  // Over RPC the request arrives as sent: a caller may pass the limit as a numeric string the validator accepted.
  const limit = query.limit === undefined ? DEFAULT_PAGE_SIZE : Number(query.limit);
  const after = query.cursor === undefined ? undefined : decodeAuditPosition(query.cursor);
  const rows = await readAuditTrail(
    dataSource,
    dataSource.getMetadata(AuditEntry).tablePath,
    { entityId: query.record, actorId: query.actor, entityType: query.type, from: query.from, to: query.to },
    // One row more than asked says whether there is a next page, so the last page has no cursor.
    { limit: limit + 1, ...(after ? { after } : {}) },
  );
  const items = rows.slice(0, limit).map((row) => auditEntryView(service, row));
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > limit && last ? encodeAuditPosition(last) : null };
}

function auditEntryView(service: AuditedService, row: AuditRow): AuditEntryView {
  return {
    service,
    id: row.id,
    at: row.at,
    entityType: row.entityType,
    entityId: row.entityId,
    action: row.action,
    actorId: row.actorId,
    correlationId: row.correlationId,
    // A deletion lists every field going to null, as a creation lists every field coming from null.
    changes: row.before && !row.after ? diffFields(row.before, {}) : diffFields(row.before, row.after),
    before: row.before,
    after: row.after,
  };
}

@Module({})
class AuditTrailModule {}

/**
 * The RPC `itsm.rpc.<service>.audit_list` of one service, reading its own `audit_log`. Every service gets it
 * from its service definition; a service whose name keeps no audit trail gets nothing.
 */
export function auditTrailModule(service: string): DynamicModule {
  const found = auditRpcOf(service);
  if (!found) return { module: AuditTrailModule };
  const declaration: NonNullable<ReturnType<typeof auditRpcOf>> = found;
  const audited = service as AuditedService;

  @Controller()
  class AuditTrailHandler {
    constructor(@Inject(getDataSourceToken()) private readonly dataSource: DataSource) {}

    @RpcHandler(declaration)
    list(@Payload() request: AuditQuery): Promise<AuditPage> {
      return listAuditTrail(this.dataSource, audited, request);
    }
  }

  return { module: AuditTrailModule, controllers: [AuditTrailHandler] };
}

/** Every message of the suite in one place: the AsyncAPI document and the typed maps are built from here. */
import { IncidentEvents, IncidentRpc } from './incident/incident.messages';
import { IncidentReportRpc } from './incident/incident-reports.messages';
import { SlaEvents, SlaRpc } from './sla/sla.messages';
import { NotificationEvents, NotificationRpc } from './notification/notification.messages';
import { CmdbEvents, CmdbRpc, ImpactRpc, ImportRpc } from './cmdb/cmdb.messages';
import { CatalogRpc, RequestEvents, RequestRpc } from './request/request.messages';
import { ProblemEvents, ProblemRpc } from './problem/problem.messages';
import { ChangeEvents, ChangeRpc } from './change/change.messages';
import { KnowledgeEvents, KnowledgeRpc } from './knowledge/knowledge.messages';
import { AuditRpc } from './audit/audit.messages';
import type { CloudEvent } from './envelope';
import { CommonErrorCode } from './errors';
import { IncidentErrorCode } from './incident/incident.errors';
import { RequestErrorCode } from './request/request.errors';
import { CmdbErrorCode } from './cmdb/cmdb.errors';
import { SlaErrorCode } from './sla/sla.errors';
import { NotificationErrorCode } from './notification/notification.errors';
import { ProblemErrorCode } from './problem/problem.errors';
import { ChangeErrorCode } from './change/change.errors';
import { KnowledgeErrorCode } from './knowledge/knowledge.errors';
import { ApiKeyErrorCode } from './api-keys/api-key.errors';

import type { EventDeclaration, PayloadOf, RpcDeclaration } from './message';

export const AllEvents = [...Object.values(IncidentEvents), ...Object.values(SlaEvents), ...Object.values(CmdbEvents), ...Object.values(RequestEvents), ...Object.values(NotificationEvents), ...Object.values(ProblemEvents), ...Object.values(ChangeEvents), ...Object.values(KnowledgeEvents)] as const;
export const AllRpc = [...Object.values(IncidentRpc), ...Object.values(IncidentReportRpc), ...Object.values(RequestRpc), ...Object.values(CatalogRpc), ...Object.values(CmdbRpc), ...Object.values(ImpactRpc), ...Object.values(ImportRpc), ...Object.values(SlaRpc), ...Object.values(NotificationRpc), ...Object.values(ProblemRpc), ...Object.values(ChangeRpc), ...Object.values(KnowledgeRpc), ...Object.values(AuditRpc)] as const;

type AnyEvent = (typeof AllEvents)[number];
/** Subject → payload type, as immich's EventMap: publisher and handler are typed by the same entry. */
export type EventMap = { [E in AnyEvent as E['subject']]: PayloadOf<E> };
/** The CloudEvent a handler of a declared event receives: `onWarning(event: EventOf<typeof SlaEvents.warning>)`. */
export type EventOf<E extends AnyEvent> = CloudEvent<EventMap[E['subject']]>;

export function findEventByType(type: string): EventDeclaration | undefined {
  return (AllEvents as readonly EventDeclaration[]).find((event) => event.type === type);
}

export function allDeclarations(): { events: readonly EventDeclaration[]; rpc: readonly RpcDeclaration[] } {
  return { events: AllEvents, rpc: AllRpc };
}

/**
 * Every `reason` an error reply or problem may carry: the shared plumbing's codes and each domain's own (its
 * `<Domain>ErrorCode` enum). Documented in the OpenAPI and AsyncAPI documents from this list.
 */
export const AllErrorReasons: readonly string[] = [
  ...Object.values(CommonErrorCode),
  ...Object.values(IncidentErrorCode),
  ...Object.values(RequestErrorCode),
  ...Object.values(CmdbErrorCode),
  ...Object.values(SlaErrorCode),
  ...Object.values(NotificationErrorCode),
  ...Object.values(ProblemErrorCode),
  ...Object.values(ChangeErrorCode),
  ...Object.values(KnowledgeErrorCode),
  ...Object.values(ApiKeyErrorCode),
];

/** Every message of the suite in one place: the AsyncAPI document and the typed maps are built from here. */
import { IncidentEvents, IncidentRpc } from './incident/incident.messages';
import { SlaEvents, SlaRpc } from './sla/sla.messages';
import { NotificationEvents, NotificationRpc } from './notification/notification.messages';
import { CmdbEvents, CmdbRpc, ImpactRpc, ImportRpc } from './cmdb/cmdb.messages';
import { CatalogRpc, RequestEvents, RequestRpc } from './request/request.messages';
import type { EventDeclaration, PayloadOf, RpcDeclaration } from './message';

export const AllEvents = [...Object.values(IncidentEvents), ...Object.values(SlaEvents), ...Object.values(CmdbEvents), ...Object.values(RequestEvents), ...Object.values(NotificationEvents)] as const;
export const AllRpc = [...Object.values(IncidentRpc), ...Object.values(RequestRpc), ...Object.values(CatalogRpc), ...Object.values(CmdbRpc), ...Object.values(ImpactRpc), ...Object.values(ImportRpc), ...Object.values(SlaRpc), ...Object.values(NotificationRpc)] as const;

type AnyEvent = (typeof AllEvents)[number];
/** Subject → payload type, as immich's EventMap: publisher and handler are typed by the same entry. */
export type EventMap = { [E in AnyEvent as E['subject']]: PayloadOf<E> };

export function findEventByType(type: string): EventDeclaration | undefined {
  return (AllEvents as readonly EventDeclaration[]).find((event) => event.type === type);
}

export function allDeclarations(): { events: readonly EventDeclaration[]; rpc: readonly RpcDeclaration[] } {
  return { events: AllEvents, rpc: AllRpc };
}

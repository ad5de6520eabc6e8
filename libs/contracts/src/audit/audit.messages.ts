import { RoleSets } from '../actor';
import { defineRpc, type RpcDeclaration } from '../message';
import { AUDITED_SERVICES, type AuditedService, AuditPage, AuditQuery } from './audit.dto';

function auditList<S extends AuditedService>(service: S) {
  return defineRpc({
    domain: service,
    operation: 'audit_list',
    request: AuditQuery,
    response: AuditPage,
    summary: `The ${service} service's audit trail, newest first, filtered by record, actor, record type and period, a page at a time.`,
    roles: RoleSets.auditors,
  });
}

/**
 * The audit list of every service: one operation served alike by each (the same shared handler reads its own
 * `audit_log`). The gateway asks them all and merges the answers by time.
 */
export const AuditRpc = {
  change: auditList('change'),
  cmdb: auditList('cmdb'),
  incident: auditList('incident'),
  knowledge: auditList('knowledge'),
  notification: auditList('notification'),
  problem: auditList('problem'),
  sla: auditList('sla'),
} as const satisfies Record<AuditedService, RpcDeclaration>;

/** The audit list a service serves, or undefined for a name that keeps no audit trail. */
export function auditRpcOf(service: string): (typeof AuditRpc)[AuditedService] | undefined {
  return (AUDITED_SERVICES as readonly string[]).includes(service) ? AuditRpc[service as AuditedService] : undefined;
}

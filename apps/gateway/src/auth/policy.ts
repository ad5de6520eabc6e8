import {
  API_KEY_SUBJECT_PREFIX,
  type Actor,
  CatalogRpc,
  ChangeRpc,
  CmdbRpc,
  ImpactRpc,
  ImportRpc,
  IncidentReportRpc,
  IncidentRpc,
  KnowledgeRpc,
  NotificationRpc,
  ProblemRpc,
  RequestRpc,
  type Role,
  RoleSets,
  type RpcDeclaration,
  SERVICE_DESK_REPORT_ROLES,
  SlaRpc,
} from '@itsm/contracts';

/** A route that needs an authenticated caller. */
export interface RoutePolicy {
  readonly public?: false;
  /** The caller must hold at least one of these roles. */
  readonly roles: readonly Role[];
  /** Whether a caller authenticated by an API key (`sub` starting with `api-key:`) may call the route at all. */
  readonly apiKey: boolean;
}

/** A route anyone may call without credentials: probes and documentation. */
export interface PublicRoute {
  readonly public: true;
}

export type RouteAccess = RoutePolicy | PublicRoute;

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** `METHOD /path/:param`, the method and the path pattern exactly as the router registers the route. */
export type RouteKey = `${HttpMethod} /${string}`;

const PUBLIC: PublicRoute = { public: true };

/**
 * The roles of the one RPC a route calls, read from its declaration in `@itsm/contracts`, which the service's RPC
 * server checks again: the table and the services cannot disagree. API keys may call it unless told otherwise.
 */
function rpc(declaration: Pick<RpcDeclaration, 'roles'>, options: { apiKey: boolean } = { apiKey: true }): RoutePolicy {
  return { roles: declaration.roles, apiKey: options.apiKey };
}

/** Who reads the reports that span the service desk (no single RPC behind the index of reports). */
const REPORT_READERS: RoutePolicy = { roles: SERVICE_DESK_REPORT_ROLES, apiKey: true };

/**
 * Who may call each route of the gateway: the one place the guards read. Every route the gateway serves has an
 * entry and every entry a route, or the gateway does not start (see `policy-check.ts`). Routes that call one RPC
 * take its declared roles; the others name a role set.
 */
export const AUTHORIZATION_POLICY: Readonly<Record<RouteKey, RouteAccess>> = {
  // health/health.controller.ts, docs/asyncapi.controller.ts, and the OpenAPI document and its UI (docs/openapi.ts)
  'GET /health/live': PUBLIC,
  'GET /health/ready': PUBLIC,
  'GET /metrics': PUBLIC,
  'GET /asyncapi.json': PUBLIC,
  'GET /openapi.json': PUBLIC,
  'GET /docs': PUBLIC,
  // api-keys/: people manage keys; a key never manages keys, or a leaked one could mint itself successors.
  'POST /v1/api-keys': { roles: RoleSets.admins, apiKey: false },
  'GET /v1/api-keys': { roles: RoleSets.admins, apiKey: false },
  'GET /v1/api-keys/:id': { roles: RoleSets.admins, apiKey: false },
  'DELETE /v1/api-keys/:id': { roles: RoleSets.admins, apiKey: false },
  // audit/: the trail of every service, merged (one RPC per service, all declared for the auditors).
  'GET /v1/audit': { roles: RoleSets.auditors, apiKey: true },
  // reports/: the service-desk reports and the index of every report.
  'GET /v1/reports': REPORT_READERS,
  'GET /v1/reports/incidents/volume': rpc(IncidentReportRpc.volume),
  'GET /v1/reports/incidents/backlog': rpc(IncidentReportRpc.backlog),
  'GET /v1/reports/incidents/resolution-times': rpc(IncidentReportRpc.resolutionTimes),
  'GET /v1/reports/incidents/first-contact-resolution': rpc(IncidentReportRpc.firstContactResolution),
  'GET /v1/reports/incidents/reassignments': rpc(IncidentReportRpc.reassignments),
  'GET /v1/reports/incidents/reopens': rpc(IncidentReportRpc.reopens),
  'GET /v1/reports/requests/fulfilment-times': rpc(IncidentReportRpc.fulfilmentTimes),
  // catalog/catalog-items.controller.ts
  'GET /v1/catalog/items': rpc(CatalogRpc.list),
  'GET /v1/catalog/items/:id': rpc(CatalogRpc.get),
  'POST /v1/catalog/items': rpc(CatalogRpc.create),
  'PATCH /v1/catalog/items/:id': rpc(CatalogRpc.update),
  'POST /v1/catalog/items/:id/retire': rpc(CatalogRpc.retire),
  // changes/blackout-windows.controller.ts
  'GET /v1/changes/blackouts': rpc(ChangeRpc.listBlackouts),
  'POST /v1/changes/blackouts': rpc(ChangeRpc.createBlackout),
  'GET /v1/changes/blackouts/:id': rpc(ChangeRpc.getBlackout),
  'PUT /v1/changes/blackouts/:id': rpc(ChangeRpc.updateBlackout),
  'DELETE /v1/changes/blackouts/:id': rpc(ChangeRpc.deleteBlackout),
  // changes/change-calendar.controller.ts
  'GET /v1/changes/calendar': rpc(ChangeRpc.calendar),
  'GET /v1/changes/calendar.ics': rpc(ChangeRpc.calendarIcs),
  // changes/change-reports.controller.ts
  'GET /v1/reports/changes/success-rate': rpc(ChangeRpc.successRateReport),
  'GET /v1/reports/changes/emergency-ratio': rpc(ChangeRpc.emergencyRatioReport),
  'GET /v1/reports/changes/caused-incidents': rpc(ChangeRpc.causedIncidentsReport),
  // changes/change-templates.controller.ts
  'GET /v1/changes/templates': rpc(ChangeRpc.listTemplates),
  'POST /v1/changes/templates': rpc(ChangeRpc.createTemplate),
  'GET /v1/changes/templates/:id': rpc(ChangeRpc.getTemplate),
  'PUT /v1/changes/templates/:id': rpc(ChangeRpc.updateTemplate),
  'DELETE /v1/changes/templates/:id': rpc(ChangeRpc.deleteTemplate),
  // changes/changes.controller.ts
  'POST /v1/changes': rpc(ChangeRpc.create),
  'GET /v1/changes': rpc(ChangeRpc.list),
  'GET /v1/changes/:id': rpc(ChangeRpc.get),
  'PATCH /v1/changes/:id': rpc(ChangeRpc.update),
  'POST /v1/changes/:id/transitions': rpc(ChangeRpc.transition),
  'GET /v1/changes/:id/history': rpc(ChangeRpc.history),
  'GET /v1/changes/:id/comments': rpc(ChangeRpc.listComments),
  'POST /v1/changes/:id/comments': rpc(ChangeRpc.addComment),
  'POST /v1/changes/:id/approvals': rpc(ChangeRpc.vote),
  'POST /v1/changes/:id/approvals/delegate': rpc(ChangeRpc.delegate),
  'GET /v1/changes/:id/conflicts': rpc(ChangeRpc.conflicts),
  'GET /v1/changes/:id/gate': rpc(ChangeRpc.gate),
  // changes/maintenance-windows.controller.ts
  'GET /v1/changes/maintenance-windows': rpc(ChangeRpc.listMaintenanceWindows),
  'POST /v1/changes/maintenance-windows': rpc(ChangeRpc.createMaintenanceWindow),
  'GET /v1/changes/maintenance-windows/:id': rpc(ChangeRpc.getMaintenanceWindow),
  'PUT /v1/changes/maintenance-windows/:id': rpc(ChangeRpc.updateMaintenanceWindow),
  'DELETE /v1/changes/maintenance-windows/:id': rpc(ChangeRpc.deleteMaintenanceWindow),
  // changes/releases.controller.ts
  'POST /v1/releases': rpc(ChangeRpc.createRelease),
  'GET /v1/releases': rpc(ChangeRpc.listReleases),
  'GET /v1/releases/:id': rpc(ChangeRpc.getRelease),
  'PATCH /v1/releases/:id': rpc(ChangeRpc.updateRelease),
  'POST /v1/releases/:id/transitions': rpc(ChangeRpc.transitionRelease),
  'GET /v1/releases/:id/gate': rpc(ChangeRpc.releaseGate),
  // cmdb/ci-classes.controller.ts
  'GET /v1/ci-classes': rpc(CmdbRpc.listClasses),
  'GET /v1/ci-classes/:name': rpc(CmdbRpc.getClass),
  'POST /v1/ci-classes': rpc(CmdbRpc.createClass),
  'PUT /v1/ci-classes/:name': rpc(CmdbRpc.updateClass),
  // cmdb/cis.controller.ts
  'POST /v1/cis': rpc(CmdbRpc.createCi),
  'GET /v1/cis': rpc(CmdbRpc.listCis),
  'GET /v1/cis/:id': rpc(CmdbRpc.getCi),
  'PATCH /v1/cis/:id': rpc(CmdbRpc.updateCi),
  'POST /v1/cis/:id/retire': rpc(CmdbRpc.retireCi),
  'GET /v1/cis/:id/relationships': rpc(CmdbRpc.ciRelationships),
  'GET /v1/cis/:id/history': rpc(CmdbRpc.ciHistory),
  'GET /v1/cis/:id/at': rpc(CmdbRpc.ciAt),
  // cmdb/impact.controller.ts
  'POST /v1/cis/impact': rpc(ImpactRpc.analyze),
  'GET /v1/cis/:id/impact': rpc(ImpactRpc.analyze),
  // cmdb/imports.controller.ts
  'POST /v1/cmdb/imports': rpc(ImportRpc.run),
  'POST /v1/cmdb/imports/kubernetes': rpc(ImportRpc.kubernetes),
  'GET /v1/cmdb/reconciliation-rules': rpc(ImportRpc.listRules),
  'GET /v1/cmdb/reconciliation-rules/:id': rpc(ImportRpc.getRule),
  'POST /v1/cmdb/reconciliation-rules': rpc(ImportRpc.createRule),
  'PUT /v1/cmdb/reconciliation-rules/:id': rpc(ImportRpc.updateRule),
  'DELETE /v1/cmdb/reconciliation-rules/:id': rpc(ImportRpc.deleteRule),
  // cmdb/relationships.controller.ts
  'POST /v1/relationships': rpc(CmdbRpc.addRelationship),
  'GET /v1/relationships/:id': rpc(CmdbRpc.getRelationship),
  'DELETE /v1/relationships/:id': rpc(CmdbRpc.removeRelationship),
  'GET /v1/cmdb/relationship-rules': rpc(CmdbRpc.listRelationshipRules),
  'POST /v1/cmdb/relationship-rules': rpc(CmdbRpc.createRelationshipRule),
  'DELETE /v1/cmdb/relationship-rules/:id': rpc(CmdbRpc.deleteRelationshipRule),
  // events/event-stream.controller.ts
  // A live stream outlives the check made when it opened: a revoked key would go on receiving events, so keys may not.
  'GET /v1/events/stream': { roles: RoleSets.agents, apiKey: false },
  // incidents/incidents.controller.ts
  'POST /v1/incidents': rpc(IncidentRpc.create),
  'GET /v1/incidents': rpc(IncidentRpc.list),
  'GET /v1/incidents/counts': rpc(IncidentRpc.counts),
  'GET /v1/incidents/:id': rpc(IncidentRpc.get),
  'PATCH /v1/incidents/:id': rpc(IncidentRpc.update),
  'POST /v1/incidents/:id/transitions': rpc(IncidentRpc.transition),
  'GET /v1/incidents/:id/comments': rpc(IncidentRpc.comments),
  'POST /v1/incidents/:id/comments': rpc(IncidentRpc.addComment),
  'GET /v1/incidents/:id/history': rpc(IncidentRpc.history),
  'PUT /v1/incidents/:id/major': rpc(IncidentRpc.setMajor),
  'POST /v1/incidents/:id/children': rpc(IncidentRpc.linkChildren),
  // incidents/routing-rules.controller.ts
  'GET /v1/routing-rules': rpc(IncidentRpc.listRoutingRules),
  'GET /v1/routing-rules/:id': rpc(IncidentRpc.getRoutingRule),
  'POST /v1/routing-rules': rpc(IncidentRpc.createRoutingRule),
  'PUT /v1/routing-rules/:id': rpc(IncidentRpc.updateRoutingRule),
  'DELETE /v1/routing-rules/:id': rpc(IncidentRpc.deleteRoutingRule),
  // knowledge/articles.controller.ts
  'POST /v1/knowledge/articles': rpc(KnowledgeRpc.create),
  'GET /v1/knowledge/articles': rpc(KnowledgeRpc.list),
  'GET /v1/knowledge/articles/:id': rpc(KnowledgeRpc.get),
  'PATCH /v1/knowledge/articles/:id': rpc(KnowledgeRpc.update),
  'POST /v1/knowledge/articles/:id/transitions': rpc(KnowledgeRpc.transition),
  'GET /v1/knowledge/articles/:id/versions': rpc(KnowledgeRpc.versions),
  'GET /v1/knowledge/articles/:id/versions/:version': rpc(KnowledgeRpc.getVersion),
  'GET /v1/knowledge/articles/:id/diff': rpc(KnowledgeRpc.diff),
  'POST /v1/knowledge/articles/:id/feedback': rpc(KnowledgeRpc.feedback),
  'POST /v1/knowledge/articles/:id/links': rpc(KnowledgeRpc.link),
  // knowledge/knowledge-reports.controller.ts
  'GET /v1/reports/knowledge/low-helpfulness': rpc(KnowledgeRpc.lowHelpfulnessReport),
  'GET /v1/reports/knowledge/viewed-never-linked': rpc(KnowledgeRpc.viewedNeverLinkedReport),
  // knowledge/knowledge-search.controller.ts
  'GET /v1/knowledge/search': rpc(KnowledgeRpc.search),
  'GET /v1/knowledge/suggest': rpc(KnowledgeRpc.suggest),
  // notifications/contacts.controller.ts
  'PUT /v1/notifications/contacts/:sub': rpc(NotificationRpc.putContact),
  'GET /v1/notifications/contacts/:sub': rpc(NotificationRpc.getContact),
  // notifications/deliveries.controller.ts
  'GET /v1/notifications/deliveries': rpc(NotificationRpc.listDeliveries),
  'GET /v1/notifications/deliveries/:id': rpc(NotificationRpc.getDelivery),
  'POST /v1/notifications/deliveries/:id/replay': rpc(NotificationRpc.replayDelivery),
  // notifications/subscriptions.controller.ts
  'POST /v1/notifications/subscriptions': rpc(NotificationRpc.createSubscription),
  'GET /v1/notifications/subscriptions': rpc(NotificationRpc.listSubscriptions),
  'GET /v1/notifications/subscriptions/:id': rpc(NotificationRpc.getSubscription),
  'PUT /v1/notifications/subscriptions/:id': rpc(NotificationRpc.updateSubscription),
  'DELETE /v1/notifications/subscriptions/:id': rpc(NotificationRpc.deleteSubscription),
  'POST /v1/notifications/subscriptions/:id/secret/rotate': rpc(NotificationRpc.rotateSecret),
  // problems/detection-rules.controller.ts
  'GET /v1/problems/detection-rules': rpc(ProblemRpc.listDetectionRules),
  'POST /v1/problems/detection-rules': rpc(ProblemRpc.createDetectionRule),
  'GET /v1/problems/detection-rules/:id': rpc(ProblemRpc.getDetectionRule),
  'PUT /v1/problems/detection-rules/:id': rpc(ProblemRpc.updateDetectionRule),
  'DELETE /v1/problems/detection-rules/:id': rpc(ProblemRpc.deleteDetectionRule),
  // problems/known-errors.controller.ts
  'GET /v1/known-errors': rpc(ProblemRpc.searchKnownErrors),
  'GET /v1/known-errors/:id': rpc(ProblemRpc.getKnownError),
  'POST /v1/known-errors/:id/retire': rpc(ProblemRpc.retireKnownError),
  // problems/problem-reports.controller.ts
  'GET /v1/reports/problems/recurring': rpc(ProblemRpc.recurringReport),
  'GET /v1/reports/problems/incidents-per-problem': rpc(ProblemRpc.incidentsPerProblemReport),
  'GET /v1/reports/problems/time-to-root-cause': rpc(ProblemRpc.timeToRootCauseReport),
  'GET /v1/reports/problems/known-errors-in-use': rpc(ProblemRpc.knownErrorsInUseReport),
  'GET /v1/reports/problems/candidates': rpc(ProblemRpc.candidatesReport),
  // problems/problems.controller.ts
  'POST /v1/problems': rpc(ProblemRpc.create),
  'GET /v1/problems': rpc(ProblemRpc.list),
  'GET /v1/problems/:id': rpc(ProblemRpc.get),
  'PATCH /v1/problems/:id': rpc(ProblemRpc.update),
  'POST /v1/problems/:id/transitions': rpc(ProblemRpc.transition),
  'GET /v1/problems/:id/history': rpc(ProblemRpc.history),
  'GET /v1/problems/:id/comments': rpc(ProblemRpc.listComments),
  'POST /v1/problems/:id/comments': rpc(ProblemRpc.addComment),
  'POST /v1/problems/:id/incidents': rpc(ProblemRpc.linkIncident),
  'DELETE /v1/problems/:id/incidents/:incidentId': rpc(ProblemRpc.unlinkIncident),
  'POST /v1/problems/:id/known-error': rpc(ProblemRpc.publishKnownError),
  // requests/requests.controller.ts
  'POST /v1/requests': rpc(RequestRpc.submit),
  'GET /v1/requests': rpc(RequestRpc.list),
  'GET /v1/requests/:id': rpc(RequestRpc.get),
  'POST /v1/requests/:id/transitions': rpc(RequestRpc.transition),
  'POST /v1/requests/:id/approve': rpc(RequestRpc.approve),
  'POST /v1/requests/:id/reject': rpc(RequestRpc.reject),
  'POST /v1/requests/:id/tasks': rpc(RequestRpc.addTask),
  'POST /v1/requests/:id/tasks/:taskId/complete': rpc(RequestRpc.completeTask),
  'GET /v1/requests/:id/comments': rpc(RequestRpc.listComments),
  'POST /v1/requests/:id/comments': rpc(RequestRpc.addComment),
  // sla/calendars.controller.ts
  'GET /v1/sla/calendars': rpc(SlaRpc.listCalendars),
  'POST /v1/sla/calendars': rpc(SlaRpc.createCalendar),
  'GET /v1/sla/calendars/:id': rpc(SlaRpc.getCalendar),
  'PUT /v1/sla/calendars/:id': rpc(SlaRpc.updateCalendar),
  'POST /v1/sla/calendars/:id/holidays/import': rpc(SlaRpc.importHolidays),
  'POST /v1/sla/calendars/:id/add': rpc(SlaRpc.addBusinessTime),
  'POST /v1/sla/calendars/:id/between': rpc(SlaRpc.businessTimeBetween),
  // sla/clocks.controller.ts
  'GET /v1/sla/clocks': rpc(SlaRpc.listClocks),
  'POST /v1/sla/clocks/recompute': rpc(SlaRpc.recomputeClocks),
  // sla/policies.controller.ts
  'GET /v1/sla/policies': rpc(SlaRpc.listPolicies),
  'POST /v1/sla/policies': rpc(SlaRpc.createPolicy),
  'GET /v1/sla/policies/:id': rpc(SlaRpc.getPolicy),
  'PUT /v1/sla/policies/:id': rpc(SlaRpc.updatePolicy),
  // sla/sla-reports.controller.ts
  'GET /v1/reports/sla/compliance': rpc(SlaRpc.complianceReport),
  'GET /v1/reports/sla/response-times': rpc(SlaRpc.responseTimesReport),
  'GET /v1/reports/sla/breaches': rpc(SlaRpc.breachesReport),
};

/** The entry of a route: HEAD is answered by the GET route (the router adds one per GET). */
export function accessOf(method: string, url: string | undefined): RouteAccess | undefined {
  if (url === undefined) return undefined;
  const key = `${method.toUpperCase() === 'HEAD' ? 'GET' : method.toUpperCase()} ${url}`;
  return Object.prototype.hasOwnProperty.call(AUTHORIZATION_POLICY, key) ? AUTHORIZATION_POLICY[key as RouteKey] : undefined;
}

/** True for a caller authenticated by an API key rather than by a person's token. */
export function isApiKeyCaller(actor: Pick<Actor, 'sub'>): boolean {
  return actor.sub.startsWith(API_KEY_SUBJECT_PREFIX);
}

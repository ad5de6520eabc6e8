import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsArray, IsObject, IsOptional, IsString, ValidateNested } from 'class-validator';
import { type Role, RoleSets } from '../actor';
import { defineEvent, defineRpc } from '../message';
import {
  CiAtRequest,
  CiAtView,
  CiFieldChange,
  CiHistory,
  CiHistoryRequest,
  CiIdRequest,
  CiPage,
  CiRelationshipList,
  CiRelationshipsRequest,
  CiView,
  CreateCiRequest,
  CreateRelationshipDto,
  ListCisRequest,
  RelationshipIdRequest,
  RelationshipView,
  RetireCiRequest,
  UpdateCiRequest,
} from './ci.dto';
import {
  CiClassList,
  CiClassNameRequest,
  CiClassView,
  CreateCiClassDto,
  ListCiClassesRequest,
  ListRelationshipRulesRequest,
  RelationshipRuleDto,
  RelationshipRuleIdRequest,
  RelationshipRuleList,
  RelationshipRuleView,
  UpdateCiClassRequest,
} from './cmdb-admin.dto';
import { ImpactRequest, ImpactResult } from './impact.dto';
import {
  CreateReconciliationRuleRequest,
  ImportCompletedV1,
  ImportResult,
  KubernetesImportRequest,
  ListReconciliationRulesRequest,
  ReconciliationRuleIdRequest,
  ReconciliationRuleList,
  ReconciliationRuleView,
  RunImportRequest,
  UpdateReconciliationRuleRequest,
} from './import.dto';

class CiEventPayload {
  @ApiProperty({ type: CiView })
  @IsObject()
  @ValidateNested()
  @Type(() => CiView)
  ci!: CiView;

  @ApiProperty({ description: '`manual` or the import source that made the change.' })
  @IsString()
  source!: string;
}

export class CiCreatedV1 extends CiEventPayload {}

export class CiUpdatedV1 extends CiEventPayload {
  @ApiProperty({ type: [CiFieldChange] })
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => CiFieldChange)
  changes!: CiFieldChange[];
}

export class CiRetiredV1 extends CiEventPayload {
  @ApiProperty({ nullable: true, type: String, example: 'gone from the Kubernetes snapshot of prod-eu-1' })
  @IsOptional()
  @IsString()
  reason!: string | null;
}

export class RelationshipChangedV1 {
  @ApiProperty({ type: RelationshipView })
  @IsObject()
  @ValidateNested()
  @Type(() => RelationshipView)
  relationship!: RelationshipView;
}

const cmdbEvent = <N extends string, P>(name: N, payload: new () => P, summary: string) => defineEvent({ domain: 'cmdb', name, version: 1, payload, summary });

export const CmdbEvents = {
  ciCreated: cmdbEvent('ci_created', CiCreatedV1, 'A configuration item was created (by hand or by an import).'),
  ciUpdated: cmdbEvent('ci_updated', CiUpdatedV1, 'Fields or attributes of a CI changed; `changes` lists each with its source.'),
  ciRetired: cmdbEvent('ci_retired', CiRetiredV1, 'A CI was retired; it stays with its history.'),
  relationshipAdded: cmdbEvent('relationship_added', RelationshipChangedV1, 'A relationship between two CIs was added.'),
  relationshipRemoved: cmdbEvent('relationship_removed', RelationshipChangedV1, 'A relationship between two CIs was removed.'),
  importCompleted: cmdbEvent('import_completed', ImportCompletedV1, 'An import batch finished; `counts` sums its rows.'),
} as const;

const cmdbRpc = <O extends string, Q, S>(operation: O, request: new () => Q, response: new () => S, summary: string, roles: readonly Role[]) =>
  defineRpc({ domain: 'cmdb', operation, request, response, summary, roles });

/** CI classes, CIs and relationships. */
export const CmdbRpc = {
  listClasses: cmdbRpc('class_list', ListCiClassesRequest, CiClassList, 'The CI classes, by name.', RoleSets.agentsAndCab),
  getClass: cmdbRpc('class_get', CiClassNameRequest, CiClassView, 'Read one CI class with its attribute schema and identification rules.', RoleSets.agentsAndCab),
  createClass: cmdbRpc('class_create', CreateCiClassDto, CiClassView, 'Add a CI class (admins); its attribute schema is checked.', RoleSets.admins),
  updateClass: cmdbRpc('class_update', UpdateCiClassRequest, CiClassView, 'Replace the definition of a CI class (admins).', RoleSets.admins),
  createCi: cmdbRpc('ci_create', CreateCiRequest, CiView, 'Create a CI by hand; attributes are checked against its class.', RoleSets.agents),
  getCi: cmdbRpc('ci_get', CiIdRequest, CiView, 'Read one CI.', RoleSets.agentsAndCab),
  listCis: cmdbRpc('ci_list', ListCisRequest, CiPage, 'CIs by filters (class, environment, status, owner, name, identifiers, attributes), a page at a time.', RoleSets.agentsAndCab),
  updateCi: cmdbRpc('ci_update', UpdateCiRequest, CiView, 'Change fields of a CI; attributes and identifiers are merged.', RoleSets.agents),
  retireCi: cmdbRpc('ci_retire', RetireCiRequest, CiView, 'Retire a CI; it keeps its history.', RoleSets.agents),
  ciRelationships: cmdbRpc('ci_relationships', CiRelationshipsRequest, CiRelationshipList, 'The relationships of a CI in both directions, with the CI at the other end, a page at a time.', RoleSets.agentsAndCab),
  ciHistory: cmdbRpc('ci_history', CiHistoryRequest, CiHistory, 'Every change of a CI and of its relationships, with who, when and from which source, a page at a time.', RoleSets.agentsAndCab),
  ciAt: cmdbRpc('ci_at', CiAtRequest, CiAtView, 'A CI and its relationships as they were at an instant.', RoleSets.agentsAndCab),
  addRelationship: cmdbRpc('relationship_add', CreateRelationshipDto, RelationshipView, 'Add a relationship between two CIs, if a relationship rule allows the pair.', RoleSets.agents),
  getRelationship: cmdbRpc('relationship_get', RelationshipIdRequest, RelationshipView, 'Read one relationship.', RoleSets.agentsAndCab),
  removeRelationship: cmdbRpc('relationship_remove', RelationshipIdRequest, RelationshipView, 'Remove a relationship; answers it as it was.', RoleSets.agents),
  listRelationshipRules: cmdbRpc('relationship_rule_list', ListRelationshipRulesRequest, RelationshipRuleList, 'The allowed (type, source class, target class) triples.', RoleSets.agentsAndCab),
  createRelationshipRule: cmdbRpc('relationship_rule_create', RelationshipRuleDto, RelationshipRuleView, 'Allow another class pair for a relationship type (admins).', RoleSets.admins),
  deleteRelationshipRule: cmdbRpc('relationship_rule_delete', RelationshipRuleIdRequest, RelationshipRuleView, 'Stop allowing a class pair (admins); existing edges stay.', RoleSets.admins),
} as const;

/** Impact analysis, for the gateway and for the change, incident and problem services. */
export const ImpactRpc = {
  analyze: cmdbRpc('impact', ImpactRequest, ImpactResult, 'The CIs and business services affected by (upstream) or underlying (downstream) a set of CIs.', RoleSets.agentsAndCab),
} as const;

/** Imports with identification and reconciliation, and Kubernetes discovery. */
export const ImportRpc = {
  run: cmdbRpc('import_run', RunImportRequest, ImportResult, 'Import a batch of CIs and relationships from a named source.', RoleSets.admins),
  kubernetes: cmdbRpc('import_kubernetes', KubernetesImportRequest, ImportResult, 'Import a Kubernetes List (kubectl get -o json) of one cluster.', RoleSets.admins),
  listRules: cmdbRpc('reconciliation_rule_list', ListReconciliationRulesRequest, ReconciliationRuleList, 'Reconciliation rules in the order they are tried (admins).', RoleSets.admins),
  getRule: cmdbRpc('reconciliation_rule_get', ReconciliationRuleIdRequest, ReconciliationRuleView, 'Read one reconciliation rule (admins).', RoleSets.admins),
  createRule: cmdbRpc('reconciliation_rule_create', CreateReconciliationRuleRequest, ReconciliationRuleView, 'Add a reconciliation rule (admins).', RoleSets.admins),
  updateRule: cmdbRpc('reconciliation_rule_update', UpdateReconciliationRuleRequest, ReconciliationRuleView, 'Replace a reconciliation rule (admins).', RoleSets.admins),
  deleteRule: cmdbRpc('reconciliation_rule_delete', ReconciliationRuleIdRequest, ReconciliationRuleView, 'Remove a reconciliation rule (admins).', RoleSets.admins),
} as const;

import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsArray, IsOptional, IsString, ValidateNested } from 'class-validator';
import { defineEvent, defineRpc } from '../message';
import { CiFieldChange, CiIdRequest, CiView, RelationshipView } from './ci.dto';
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

const cmdbRpc = <O extends string, Q, S>(operation: O, request: new () => Q, response: new () => S, summary: string) =>
  defineRpc({ domain: 'cmdb', operation, request, response, summary });

/** CI classes, CIs and relationships. */
export const CmdbRpc = {
  getCi: cmdbRpc('ci_get', CiIdRequest, CiView, 'Read one CI.'),
} as const;

/** Impact analysis, for the gateway and for the change, incident and problem services. */
export const ImpactRpc = {
  analyze: cmdbRpc('impact', ImpactRequest, ImpactResult, 'The CIs and business services affected by (upstream) or underlying (downstream) a set of CIs.'),
} as const;

/** Imports with identification and reconciliation, and Kubernetes discovery. */
export const ImportRpc = {
  run: cmdbRpc('import_run', RunImportRequest, ImportResult, 'Import a batch of CIs and relationships from a named source.'),
  kubernetes: cmdbRpc('import_kubernetes', KubernetesImportRequest, ImportResult, 'Import a Kubernetes List (kubectl get -o json) of one cluster.'),
  listRules: cmdbRpc('reconciliation_rule_list', ListReconciliationRulesRequest, ReconciliationRuleList, 'Reconciliation rules in the order they are tried (admins).'),
  createRule: cmdbRpc('reconciliation_rule_create', CreateReconciliationRuleRequest, ReconciliationRuleView, 'Add a reconciliation rule (admins).'),
  updateRule: cmdbRpc('reconciliation_rule_update', UpdateReconciliationRuleRequest, ReconciliationRuleView, 'Replace a reconciliation rule (admins).'),
  deleteRule: cmdbRpc('reconciliation_rule_delete', ReconciliationRuleIdRequest, ReconciliationRuleView, 'Remove a reconciliation rule (admins).'),
} as const;

import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  type CreateReconciliationRuleRequest,
  type ImportResult,
  ImportRpc,
  type ListReconciliationRulesRequest,
  type ReconciliationRuleIdRequest,
  type ReconciliationRuleList,
  type ReconciliationRuleView,
  type RunImportRequest,
  type UpdateReconciliationRuleRequest,
} from '@itsm/contracts';
import { currentActor, RpcHandler } from '@itsm/messaging';
import { ImportsService } from './imports.service';
import { ReconciliationRulesService } from './reconciliation-rules.service';

/** NATS RPC of batch imports and reconciliation rules. */
@Controller()
export class ImportsHandler {
  constructor(
    private readonly imports: ImportsService,
    private readonly rules: ReconciliationRulesService,
  ) {}

  @RpcHandler(ImportRpc.run)
  run(@Payload() request: RunImportRequest): Promise<ImportResult> {
    return this.imports.run(request, currentActor());
  }

  @RpcHandler(ImportRpc.listRules)
  listRules(@Payload() request: ListReconciliationRulesRequest): Promise<ReconciliationRuleList> {
    return this.rules.list(request);
  }

  @RpcHandler(ImportRpc.getRule)
  getRule(@Payload() request: ReconciliationRuleIdRequest): Promise<ReconciliationRuleView> {
    return this.rules.get(request.id);
  }

  @RpcHandler(ImportRpc.createRule)
  createRule(@Payload() request: CreateReconciliationRuleRequest): Promise<ReconciliationRuleView> {
    return this.rules.create(request, currentActor());
  }

  @RpcHandler(ImportRpc.updateRule)
  updateRule(@Payload() request: UpdateReconciliationRuleRequest): Promise<ReconciliationRuleView> {
    return this.rules.update(request, currentActor());
  }

  @RpcHandler(ImportRpc.deleteRule)
  deleteRule(@Payload() request: ReconciliationRuleIdRequest): Promise<ReconciliationRuleView> {
    return this.rules.delete(request.id, currentActor());
  }
}

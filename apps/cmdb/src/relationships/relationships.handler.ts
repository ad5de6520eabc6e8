import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  type CiRelationshipList,
  type CiRelationshipsRequest,
  CmdbRpc,
  type CreateRelationshipDto,
  type ListRelationshipRulesRequest,
  type RelationshipIdRequest,
  type RelationshipRuleDto,
  type RelationshipRuleIdRequest,
  type RelationshipRuleList,
  type RelationshipRuleView,
  type RelationshipView,
} from '@itsm/contracts';
import { currentActor, RpcHandler } from '@itsm/messaging';
import { RelationshipsRepository } from './relationships.repository';
import { RelationshipsService } from './relationships.service';

/** NATS RPC of relationships and relationship rules. */
@Controller()
export class RelationshipsHandler {
  constructor(
    private readonly relationships: RelationshipsService,
    private readonly queries: RelationshipsRepository,
  ) {}

  @RpcHandler(CmdbRpc.addRelationship)
  add(@Payload() request: CreateRelationshipDto): Promise<RelationshipView> {
    return this.relationships.add(request, currentActor());
  }

  @RpcHandler(CmdbRpc.getRelationship)
  get(@Payload() request: RelationshipIdRequest): Promise<RelationshipView> {
    return this.relationships.get(request.id);
  }

  @RpcHandler(CmdbRpc.removeRelationship)
  remove(@Payload() request: RelationshipIdRequest): Promise<RelationshipView> {
    return this.relationships.remove(request.id, currentActor());
  }

  @RpcHandler(CmdbRpc.ciRelationships)
  of(@Payload() request: CiRelationshipsRequest): Promise<CiRelationshipList> {
    return this.queries.of(request);
  }

  @RpcHandler(CmdbRpc.listRelationshipRules)
  listRules(@Payload() request: ListRelationshipRulesRequest): Promise<RelationshipRuleList> {
    return this.queries.rules(request);
  }

  @RpcHandler(CmdbRpc.createRelationshipRule)
  createRule(@Payload() request: RelationshipRuleDto): Promise<RelationshipRuleView> {
    return this.relationships.createRule(request, currentActor());
  }

  @RpcHandler(CmdbRpc.deleteRelationshipRule)
  deleteRule(@Payload() request: RelationshipRuleIdRequest): Promise<RelationshipRuleView> {
    return this.relationships.deleteRule(request.id, currentActor());
  }
}

import { Module } from '@nestjs/common';
import { RelationshipRuleWriter } from './relationship-rule.writer';
import { RelationshipWriter } from './relationship.writer';
import { RelationshipsHandler } from './relationships.handler';
import { RelationshipsRepository } from './relationships.repository';
import { RelationshipsService } from './relationships.service';

/** Relationships between CIs and the rules that allow them: their RPC, and the writer imports add and remove edges through. */
@Module({
  controllers: [RelationshipsHandler],
  providers: [RelationshipWriter, RelationshipRuleWriter, RelationshipsService, RelationshipsRepository],
  exports: [RelationshipWriter],
})
export class RelationshipsModule {}

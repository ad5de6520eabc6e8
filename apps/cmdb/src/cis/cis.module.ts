import { Module } from '@nestjs/common';
import { ClassRegistry } from '../classes/class-registry';
import { RelationshipWriter } from '../relationships/relationship-writer';
import { CiWriter } from './ci-writer';

/** CI classes, CIs and relationships: the writers every change goes through, and their RPC. */
@Module({
  providers: [ClassRegistry, CiWriter, RelationshipWriter],
  exports: [ClassRegistry, CiWriter, RelationshipWriter],
})
export class CisModule {}

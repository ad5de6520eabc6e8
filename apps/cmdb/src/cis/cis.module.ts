import { Module } from '@nestjs/common';
import { ClassesHandler } from '../classes/classes.handler';
import { ClassesService } from '../classes/classes.service';
import { ClassRegistry } from '../classes/class-registry';
import { RelationshipWriter } from '../relationships/relationship-writer';
import { RelationshipsHandler } from '../relationships/relationships.handler';
import { RelationshipsService } from '../relationships/relationships.service';
import { CiHistoryService } from './ci-history';
import { CiWriter } from './ci-writer';
import { CisHandler } from './cis.handler';
import { CisRepository } from './cis.repository';
import { CisService } from './cis.service';

/** CI classes, CIs and relationships: the writers every change goes through (exported for imports), and their RPC. */
@Module({
  controllers: [ClassesHandler, CisHandler, RelationshipsHandler],
  providers: [ClassRegistry, CiWriter, RelationshipWriter, ClassesService, CisService, CisRepository, CiHistoryService, RelationshipsService],
  exports: [ClassRegistry, CiWriter, RelationshipWriter],
})
export class CisModule {}

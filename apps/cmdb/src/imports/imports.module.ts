import { Module } from '@nestjs/common';
import { CisModule } from '../cis/cis.module';
import { ClassesModule } from '../classes/classes.module';
import { RelationshipsModule } from '../relationships/relationships.module';
import { ImportEngine } from './import-engine';
import { ImportsHandler } from './imports.handler';
import { ImportsService } from './imports.service';
import { ReconciliationRuleWriter } from './reconciliation-rule.writer';
import { ReconciliationRulesService } from './reconciliation-rules.service';

/** Imports with identification and reconciliation, and the reconciliation rules; the engine is exported for Kubernetes discovery. */
@Module({
  imports: [ClassesModule, CisModule, RelationshipsModule],
  controllers: [ImportsHandler],
  providers: [ImportEngine, ImportsService, ReconciliationRuleWriter, ReconciliationRulesService],
  exports: [ImportEngine],
})
export class ImportsModule {}

import { Module } from '@nestjs/common';
import { CisModule } from '../cis/cis.module';
import { KubernetesImportService } from '../kubernetes/kubernetes-import.service';
import { ImportEngine } from './import-engine';
import { ImportsHandler } from './imports.handler';
import { ImportsService } from './imports.service';
import { ReconciliationRulesService } from './reconciliation-rules.service';

/** Imports with identification and reconciliation, Kubernetes discovery, and the reconciliation rules. */
@Module({
  imports: [CisModule],
  controllers: [ImportsHandler],
  providers: [ImportEngine, ImportsService, KubernetesImportService, ReconciliationRulesService],
})
export class ImportsModule {}

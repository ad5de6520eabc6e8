import { Module } from '@nestjs/common';
import { CisModule } from '../cis/cis.module';
import { ImportsModule } from '../imports/imports.module';
import { RelationshipsModule } from '../relationships/relationships.module';
import { KubernetesHandler } from './kubernetes.handler';
import { KubernetesImportService } from './kubernetes-import.service';

/** Kubernetes discovery: a cluster's objects run through the import engine, and a full snapshot's clean-up. */
@Module({
  imports: [ImportsModule, CisModule, RelationshipsModule],
  controllers: [KubernetesHandler],
  providers: [KubernetesImportService],
})
export class KubernetesModule {}

import type { ServiceDefinition } from '@itsm/runtime';
import { coreTablesMigration, IdempotencyKey, idempotencyKeysMigration, auditIndexesMigration } from '@itsm/persistence';
import { CiClass } from './classes/ci-class.entity';
import { ClassesModule } from './classes/classes.module';
import { Ci } from './cis/ci.entity';
import { CisModule } from './cis/cis.module';
import { CmdbConfig } from './config';
import { ImpactModule } from './impact/impact.module';
import { ImportRun } from './imports/import-run.entity';
import { ImportsModule } from './imports/imports.module';
import { ReconciliationRule } from './imports/reconciliation-rule.entity';
import { KubernetesModule } from './kubernetes/kubernetes.module';
import { CreateCmdb1795459225481 } from './migrations/1795459225481-createCmdb';
import { BuiltInClasses1795459225482 } from './migrations/1795459225482-builtInClasses';
import { HistoryIndexes1795459600000 } from './migrations/1795459600000-historyIndexes';
import { IdentifierIndexWithoutPendingList1796950000000 } from './migrations/1796950000000-identifierIndexWithoutPendingList';
import { RelationshipRule } from './relationships/relationship-rule.entity';
import { CiRelationship } from './relationships/relationship.entity';
import { RelationshipsModule } from './relationships/relationships.module';

/** The configuration management database: CI classes, CIs, relationships, impact analysis and imports. */
export const cmdbApp: ServiceDefinition<CmdbConfig> = {
  name: 'cmdb',
  config: CmdbConfig,
  entities: [CiClass, Ci, CiRelationship, RelationshipRule, ReconciliationRule, ImportRun, IdempotencyKey],
  migrations: [coreTablesMigration('cmdb'), CreateCmdb1795459225481, BuiltInClasses1795459225482, idempotencyKeysMigration('cmdb'), HistoryIndexes1795459600000, auditIndexesMigration('cmdb'), IdentifierIndexWithoutPendingList1796950000000],
  modules: [ClassesModule, CisModule, RelationshipsModule, ImpactModule, ImportsModule, KubernetesModule],
};

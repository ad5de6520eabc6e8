import { auditIndexesMigration, coreTablesMigration } from '@itsm/persistence';
import { ServiceConfig, type ServiceDefinition } from '@itsm/runtime';

/**
 * A service with no feature modules of its own, under a real service's name (its schema, role and broker identity):
 * only what every service has (outbox, inbox, audit trail and its `audit_list` operation). For tests of the shared
 * plumbing.
 */
export function bareService(name: string): ServiceDefinition {
  return { name, config: ServiceConfig, entities: [], migrations: [coreTablesMigration(name), auditIndexesMigration(name)], modules: [] };
}

import { PATTERN_METADATA } from '@nestjs/microservices/constants';
import pino from 'pino';
import { AUDITED_SERVICES, AuditRpc } from '@itsm/contracts';
import { auditTrailModule } from './audit-trail';
import { ServiceConfig } from './service-config';
import { serviceModule } from './service-definition';

/** The subjects the handlers of a module answer (Nest's message patterns of their methods). */
function subjectsOf(module: { controllers?: unknown[] }): string[] {
  return (module.controllers ?? []).flatMap((controller) => {
    const prototype = (controller as { prototype: Record<string, unknown> }).prototype;
    return Object.getOwnPropertyNames(prototype).flatMap((name) => (Reflect.getMetadata(PATTERN_METADATA, prototype[name] as object) as string[] | undefined) ?? []);
  });
}

describe('the audit list of every service', () => {
  it.each(AUDITED_SERVICES)('is answered by the %s service on its own subject', (service) => {
    expect(subjectsOf(auditTrailModule(service))).toEqual([AuditRpc[service].subject]);
  });

  it('is added to a service from its definition alone', () => {
    const root = serviceModule({ name: 'knowledge', config: ServiceConfig, entities: [], migrations: [], modules: [] }, new ServiceConfig(), pino({ level: 'silent' }));
    const subjects = (root.imports ?? []).flatMap((imported) => subjectsOf(imported as { controllers?: unknown[] }));
    expect(subjects).toEqual(['itsm.rpc.knowledge.audit_list']);
  });

  it('is not answered by a process whose name keeps no audit trail', () => {
    expect(subjectsOf(auditTrailModule('gateway'))).toEqual([]);
  });
});

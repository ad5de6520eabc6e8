import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { type CiClassView, CmdbError, CmdbErrorCode } from '@itsm/contracts';
import { OutboxWriter } from '@itsm/messaging';
import { assertVersion, nameUuid } from '@itsm/persistence';
import { CiClass, toCiClassView } from './ci-class.entity';

/** The audit log keys rows by UUID and a class by its name: a name-based UUID gives each class one stable audit key. */
export function classAuditId(name: string): string {
  return nameUuid(`itsm:cmdb:ci_class:${name}`);
}

/** What an admin sets of a class; the rest is bookkeeping. */
export type CiClassDefinition = Pick<CiClass, 'label' | 'description' | 'attributeSchema' | 'identificationRules'>;

/**
 * Writing CI classes: lock (by name, with `If-Match`), insert and save, each with its audit row (classes announce
 * no event). Not a RecordWriter: a class is keyed by its name, and audited under {@link classAuditId}.
 */
@Injectable()
export class CiClassWriter {
  private readonly entityType = 'ci_class';

  constructor(private readonly outbox: OutboxWriter) {}

  notFound(name: string): CmdbError {
    return new CmdbError(CmdbErrorCode.ClassNotFound, `CI class ${name} not found`);
  }

  /** The class, locked until the transaction ends; an `expectedVersion` it has moved on from is refused with 412. */
  async lock(manager: EntityManager, name: string, options: { expectedVersion?: number | undefined } = {}): Promise<CiClass> {
    const ciClass = await manager.findOne(CiClass, { where: { name }, lock: { mode: 'pessimistic_write' } });
    if (!ciClass) throw this.notFound(name);
    assertVersion(`CI class ${ciClass.name}`, ciClass.version, options.expectedVersion);
    return ciClass;
  }

  async insert(manager: EntityManager, ciClass: CiClass, actorId: string): Promise<CiClassView> {
    // A jsonb Record<string, unknown> does not fit TypeORM's deep-partial type; it is plain JSON.
    await manager.insert(CiClass, ciClass as QueryDeepPartialEntity<CiClass>);
    const view = toCiClassView(ciClass);
    await this.audit(manager, ciClass.name, 'created', actorId, null, view);
    return view;
  }

  /** Replaces the definition of a locked class; its version moves on by one. */
  async save(manager: EntityManager, ciClass: CiClass, next: CiClassDefinition, actorId: string): Promise<CiClassView> {
    const before = toCiClassView(ciClass);
    Object.assign(ciClass, next, { version: ciClass.version + 1, updatedAt: new Date() });
    await manager.update(CiClass, { name: ciClass.name }, { ...next, version: ciClass.version, updatedAt: ciClass.updatedAt } as QueryDeepPartialEntity<CiClass>);
    const after = toCiClassView(ciClass);
    await this.audit(manager, ciClass.name, 'updated', actorId, before, after);
    return after;
  }

  private audit(manager: EntityManager, name: string, action: string, actorId: string, before: CiClassView | null, after: CiClassView): Promise<void> {
    const entityId = classAuditId(name);
    return this.outbox.record(manager, { subject: entityId, audit: { entityType: this.entityType, entityId, action, actorId, before, after }, events: [] });
  }
}

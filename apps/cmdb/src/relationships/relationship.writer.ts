import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { type EntityManager, In } from 'typeorm';
import { CiStatus, CmdbError, CmdbErrorCode, CmdbEvents, type FieldError, type RelationshipType, type RelationshipView } from '@itsm/contracts';
import { eventOf, OutboxWriter } from '@itsm/messaging';
import { Ci } from '../cis/ci.entity';
import type { ChangeContext } from '../cis/ci.writer';
import { allowedTargets, disallowedPairMessage, isPairAllowed } from '../domain/relationship-rules';
import { RelationshipRule } from './relationship-rule.entity';
import { CiRelationship, toRelationshipView } from './relationship.entity';

export interface NewEdge {
  type: RelationshipType;
  sourceId: string;
  targetId: string;
}

export function relationshipNotFound(id: string): CmdbError {
  return new CmdbError(CmdbErrorCode.RelationshipNotFound, `relationship ${id} not found`);
}

/**
 * Adding and removing relationships, by hand or by an import: the edge is checked against the CIs it joins and
 * the relationship rules, then written with its audit row and event in the caller's transaction. Not a
 * RecordWriter: an edge is never changed, only added and removed, so it has no version. Its audit rows keep the
 * source of the change beside the edge: the history of a CI reads them.
 */
@Injectable()
export class RelationshipWriter {
  private readonly entityType = 'relationship';

  constructor(private readonly outbox: OutboxWriter) {}

  /** The edge, locked until the transaction ends; NOT_FOUND when there is none. */
  async lock(manager: EntityManager, id: string): Promise<CiRelationship> {
    const relationship = await manager.findOne(CiRelationship, { where: { id }, lock: { mode: 'pessimistic_write' } });
    if (!relationship) throw relationshipNotFound(id);
    return relationship;
  }

  /** The edge as it is after the call; `created: false` when the same edge existed (nothing is written then). */
  async add(manager: EntityManager, edge: NewEdge, ctx: ChangeContext): Promise<{ relationship: CiRelationship; created: boolean }> {
    if (edge.sourceId === edge.targetId) {
      throw new CmdbError(CmdbErrorCode.RelationshipSelfLoop, 'a CI cannot have a relationship with itself', { errors: [{ field: 'targetId', message: 'must be another CI than sourceId' }] });
    }
    // Shared locks, taken in id order: a CI cannot be retired while an edge to it is being added.
    const cis = await manager.find(Ci, { where: { id: In([edge.sourceId, edge.targetId]) }, order: { id: 'ASC' }, lock: { mode: 'pessimistic_read' } });
    const source = cis.find((ci) => ci.id === edge.sourceId);
    const target = cis.find((ci) => ci.id === edge.targetId);
    const missing: FieldError[] = [
      ...(source ? [] : [{ field: 'sourceId', message: `there is no CI ${edge.sourceId}` }]),
      ...(target ? [] : [{ field: 'targetId', message: `there is no CI ${edge.targetId}` }]),
    ];
    if (!source || !target) {
      throw new CmdbError(CmdbErrorCode.RelationshipCiNotFound, `relationship names CIs that do not exist: ${missing.map((e) => e.field).join(', ')}`, { errors: missing });
    }
    const retired: FieldError[] = [
      ...(source.status === CiStatus.Retired ? [{ field: 'sourceId', message: `CI ${source.name} is retired` }] : []),
      ...(target.status === CiStatus.Retired ? [{ field: 'targetId', message: `CI ${target.name} is retired` }] : []),
    ];
    if (retired.length > 0) throw new CmdbError(CmdbErrorCode.RelationshipCiRetired, 'a retired CI takes no new relationships', { errors: retired });

    const rules = await manager.find(RelationshipRule, { where: { type: edge.type } });
    if (!isPairAllowed(rules, edge.type, source.className, target.className)) {
      const message = disallowedPairMessage(rules, edge.type, source.className, target.className);
      throw new CmdbError(CmdbErrorCode.RelationshipNotAllowed, message, { errors: [{ field: 'type', message }], allowedTargetClasses: allowedTargets(rules, edge.type, source.className) });
    }

    const relationship = manager.create(CiRelationship, { id: randomUUID(), type: edge.type, sourceId: edge.sourceId, targetId: edge.targetId, dataSource: ctx.source, createdAt: new Date() });
    const table = manager.connection.getMetadata(CiRelationship).tablePath;
    // ON CONFLICT rather than a look-up first: two writers adding the same edge at once both succeed, one of them with created: false.
    const inserted: unknown[] = await manager.query(
      `INSERT INTO ${table} (id, type, source_id, target_id, data_source, created_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT ON CONSTRAINT ci_relationships_edge_key DO NOTHING RETURNING id`,
      [relationship.id, relationship.type, relationship.sourceId, relationship.targetId, relationship.dataSource, relationship.createdAt],
    );
    if (inserted.length === 0) {
      const existing = await manager.findOneByOrFail(CiRelationship, { type: edge.type, sourceId: edge.sourceId, targetId: edge.targetId });
      return { relationship: existing, created: false };
    }
    const view = toRelationshipView(relationship);
    await this.outbox.record(manager, {
      subject: relationship.id,
      time: relationship.createdAt,
      audit: { entityType: this.entityType, entityId: relationship.id, action: 'added', actorId: ctx.actorId, before: null, after: this.audited(view, ctx) },
      events: [eventOf(CmdbEvents.relationshipAdded, { relationship: view })],
    });
    return { relationship, created: true };
  }

  /** Removes an edge the caller has locked; its audit row keeps what it was. */
  async remove(manager: EntityManager, relationship: CiRelationship, ctx: ChangeContext): Promise<RelationshipView> {
    await manager.delete(CiRelationship, { id: relationship.id });
    const view = toRelationshipView(relationship);
    await this.outbox.record(manager, {
      subject: relationship.id,
      audit: { entityType: this.entityType, entityId: relationship.id, action: 'removed', actorId: ctx.actorId, before: this.audited(view, ctx), after: null },
      events: [eventOf(CmdbEvents.relationshipRemoved, { relationship: view })],
    });
    return view;
  }

  private audited(view: RelationshipView, ctx: ChangeContext): RelationshipView & { source: string } {
    return { ...view, source: ctx.source };
  }
}

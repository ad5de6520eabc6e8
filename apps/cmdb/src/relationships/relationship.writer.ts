import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { type EntityManager, In } from 'typeorm';
import { CiStatus, CmdbError, CmdbErrorCode, CmdbEvents, type FieldError, type RelationshipType, type RelationshipView } from '@itsm/contracts';
import { eventOf, OutboxWriter, type RecordStatement } from '@itsm/messaging';
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

/** What a caller adding many edges in one transaction has already read: CIs it locked (FOR SHARE) and rules by type. */
export interface EdgeContext {
  cis: Map<string, Ci>;
  rules: Map<string, RelationshipRule[]>;
  /** Edges looked up beforehand (see {@link edgeId}), and those of them that exist (or the caller has added since). */
  edges?: { checked: Set<string>; existing: Map<string, CiRelationship> };
}

/** An edge by what makes it unique. */
export function edgeId(edge: NewEdge): string {
  return `${edge.type} ${edge.sourceId} ${edge.targetId}`;
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
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

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

  /**
   * The CIs of `ids` that exist, locked with shared locks (taken in id order) until the transaction ends: for
   * {@link add} with an {@link EdgeContext}. Ids that are not uuids are left out (no CI has them).
   */
  async lockCis(manager: EntityManager, ids: string[]): Promise<Map<string, Ci>> {
    const wanted = [...new Set(ids.filter((id) => UUID.test(id)))].sort();
    const cis = wanted.length === 0 ? [] : await manager.find(Ci, { where: { id: In(wanted) }, order: { id: 'ASC' }, lock: { mode: 'pessimistic_read' } });
    return new Map(cis.map((ci) => [ci.id, ci]));
  }

  /** The stored edges among `edges`, read with one statement, for {@link add} with an {@link EdgeContext}. */
  async loadEdges(manager: EntityManager, edges: NewEdge[]): Promise<NonNullable<EdgeContext['edges']>> {
    const wanted = [...new Map(edges.filter((edge) => UUID.test(edge.sourceId) && UUID.test(edge.targetId)).map((edge) => [edgeId(edge), edge])).values()];
    const checked = new Set(wanted.map(edgeId));
    const existing = new Map<string, CiRelationship>();
    if (wanted.length === 0) return { checked, existing };
    const table = manager.connection.getMetadata(CiRelationship).tablePath;
    const rows = await manager.query<Array<{ id: string; type: RelationshipType; source_id: string; target_id: string; data_source: string; created_at: Date }>>(
      `SELECT r.id, r.type, r.source_id, r.target_id, r.data_source, r.created_at
         FROM ${table} r JOIN unnest($1::text[], $2::uuid[], $3::uuid[]) AS e(type, source_id, target_id) USING (type, source_id, target_id)`,
      [wanted.map((edge) => edge.type), wanted.map((edge) => edge.sourceId), wanted.map((edge) => edge.targetId)],
    );
    for (const row of rows) {
      const relationship = manager.create(CiRelationship, { id: row.id, type: row.type, sourceId: row.source_id, targetId: row.target_id, dataSource: row.data_source, createdAt: row.created_at });
      existing.set(edgeId(relationship), relationship);
    }
    return { checked, existing };
  }

  /**
   * The edge as it is after the call; `created: false` when the same edge existed (nothing is written then).
   * With `known`, ends found in `known.cis` are not read again, and rules are read once per type.
   */
  async add(manager: EntityManager, edge: NewEdge, ctx: ChangeContext, known?: EdgeContext): Promise<{ relationship: CiRelationship; created: boolean }> {
    if (edge.sourceId === edge.targetId) {
      throw new CmdbError(CmdbErrorCode.RelationshipSelfLoop, 'a CI cannot have a relationship with itself', { errors: [{ field: 'targetId', message: 'must be another CI than sourceId' }] });
    }
    const knownSource = known?.cis.get(edge.sourceId);
    const knownTarget = known?.cis.get(edge.targetId);
    // Shared locks, taken in id order: a CI cannot be retired while an edge to it is being added.
    const cis =
      knownSource && knownTarget
        ? [knownSource, knownTarget]
        : await manager.find(Ci, { where: { id: In([edge.sourceId, edge.targetId]) }, order: { id: 'ASC' }, lock: { mode: 'pessimistic_read' } });
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

    const rules = known?.rules.get(edge.type) ?? (await manager.find(RelationshipRule, { where: { type: edge.type } }));
    known?.rules.set(edge.type, rules);
    if (!isPairAllowed(rules, edge.type, source.className, target.className)) {
      const message = disallowedPairMessage(rules, edge.type, source.className, target.className);
      throw new CmdbError(CmdbErrorCode.RelationshipNotAllowed, message, { errors: [{ field: 'type', message }], allowedTargetClasses: allowedTargets(rules, edge.type, source.className) });
    }

    const relationship = manager.create(CiRelationship, { id: randomUUID(), type: edge.type, sourceId: edge.sourceId, targetId: edge.targetId, dataSource: ctx.source, createdAt: new Date() });
    const table = manager.connection.getMetadata(CiRelationship).tablePath;
    const columns = [relationship.id, relationship.type, relationship.sourceId, relationship.targetId, relationship.dataSource, relationship.createdAt];
    const edges = known?.edges;
    if (edges?.checked.has(edgeId(edge))) {
      const existing = edges.existing.get(edgeId(edge));
      if (existing) return { relationship: existing, created: false };
      // Known to be new: the edge, its audit row and event in one statement. An edge another transaction has
      // added since the look-up fails it with a unique violation (the caller does its rows again one by one).
      await this.announceAdded(manager, relationship, ctx, { sql: `INSERT INTO ${table} (id, type, source_id, target_id, data_source, created_at) VALUES ($1, $2, $3, $4, $5, $6)`, parameters: columns });
      edges.existing.set(edgeId(edge), relationship);
      return { relationship, created: true };
    }
    // ON CONFLICT rather than a look-up first: two writers adding the same edge at once both succeed, one of them with created: false.
    const inserted: unknown[] = await manager.query(
      `INSERT INTO ${table} (id, type, source_id, target_id, data_source, created_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT ON CONSTRAINT ci_relationships_edge_key DO NOTHING RETURNING id`,
      columns,
    );
    if (inserted.length === 0) {
      const existing = await manager.findOneByOrFail(CiRelationship, { type: edge.type, sourceId: edge.sourceId, targetId: edge.targetId });
      return { relationship: existing, created: false };
    }
    await this.announceAdded(manager, relationship, ctx);
    return { relationship, created: true };
  }

  /** The audit row and event of an added edge, with the edge's own insert when `write` is given. */
  private async announceAdded(manager: EntityManager, relationship: CiRelationship, ctx: ChangeContext, write?: RecordStatement): Promise<void> {
    const view = toRelationshipView(relationship);
    await this.outbox.record(manager, {
      ...(write ? { write } : {}),
      subject: relationship.id,
      time: relationship.createdAt,
      audit: { entityType: this.entityType, entityId: relationship.id, action: 'added', actorId: ctx.actorId, before: null, after: this.audited(view, ctx) },
      events: [eventOf(CmdbEvents.relationshipAdded, { relationship: view })],
    });
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

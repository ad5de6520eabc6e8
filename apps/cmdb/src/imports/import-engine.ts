import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import {
  type Actor,
  CiStatus,
  CmdbEvents,
  DomainError,
  ErrorCode,
  type FieldError,
  type ImportCounts,
  type ImportItem,
  type ImportReference,
  type ImportRelationship,
  type ImportResult,
  type ImportRowResult,
} from '@itsm/contracts';
import { eventOf, OutboxWriter } from '@itsm/messaging';
import { pgErrorCode } from '@itsm/persistence';
import { CiClass } from '../classes/ci-class.entity';
import { ClassRegistry, unknownClass } from '../classes/class-registry';
import { Ci } from '../cis/ci.entity';
import { type ChangeContext, CiWriter } from '../cis/ci.writer';
import { type Identification, type IdentificationCandidate, identificationLookups, identify, type IdentifierLookup } from '../domain/identification';
import { type ImportedValues, isEmptyChange, reconcile, type ReconciliationRuleLike } from '../domain/reconciliation';
import { type EdgeContext, RelationshipWriter } from '../relationships/relationship.writer';
import { ChunkIdentification } from './chunk-identification';
import { ImportRun } from './import-run.entity';
import { ReconciliationRule } from './reconciliation-rule.entity';

/** Environment of a CI an import creates when its row names none. */
export const DEFAULT_IMPORT_ENVIRONMENT = 'prod';

/** An edge as the batch asserts it, once both ends are resolved. */
export function edgeKey(type: string, sourceId: string, targetId: string): string {
  return `${type} ${sourceId} ${targetId}`;
}

/**
 * Rows of a batch imported in one transaction. Per row, only identification and the write itself go to the
 * database; locks, classes and relationship rules are taken once per chunk.
 */
export const IMPORT_CHUNK_ROWS = 250;

/** What a run has done so far; a full snapshot adds what it retired and removed before the run is finished. */
export interface RunState {
  importId: string;
  source: string;
  context: ChangeContext;
  counts: ImportCounts;
  rows: ImportRowResult[];
  /** Batch key → CI of the row (created, matched or unchanged). */
  keys: Map<string, string>;
  /** Edges the batch asserts (see {@link edgeKey}), whether or not adding them succeeded. */
  edges: Set<string>;
}

export interface ImportBatch {
  source: string;
  kind: 'batch' | 'kubernetes';
  /** For Kubernetes, the cluster. */
  scope: string | null;
  actor: Actor;
  items: ImportItem[];
  relationships: ImportRelationship[];
  skipped?: number;
  /** Runs after every row, before the run is recorded as finished (the snapshot clean-up of Kubernetes). */
  afterRows?: (state: RunState) => Promise<void>;
}

/** A row's failure: reported in the result, the batch goes on. */
class RowFailure extends Error {
  constructor(readonly errors: FieldError[]) {
    super(errors.map((error) => `${error.field}: ${error.message}`).join('; '));
  }
}

type RowOutcome = Pick<ImportRowResult, 'outcome' | 'ciId' | 'candidates' | 'errors'>;

const emptyCounts = (): ImportCounts => ({
  created: 0,
  updated: 0,
  unchanged: 0,
  conflicts: 0,
  errors: 0,
  retired: 0,
  relationshipsAdded: 0,
  relationshipsUnchanged: 0,
  relationshipsRemoved: 0,
  skipped: 0,
});

/** The row-level errors of a failure that belongs to the row (bad input, a rule, a constraint), or undefined for one that should stop the batch. */
export function rowErrors(error: unknown): FieldError[] | undefined {
  if (error instanceof RowFailure) return error.errors;
  if (error instanceof DomainError && error.code !== ErrorCode.INTERNAL && error.code !== ErrorCode.UNAVAILABLE && error.code !== ErrorCode.TIMEOUT) {
    const errors = error.details?.errors;
    return errors && errors.length > 0 ? errors : [{ field: '', message: error.message }];
  }
  const code = pgErrorCode(error);
  if (code?.startsWith('23')) {
    const constraint = (error as { constraint?: string; driverError?: { constraint?: string } }).driverError?.constraint;
    return [{ field: constraint === 'cis_k8s_uid_key' ? 'identifiers.k8sUid' : '', message: `conflicts with a stored record${constraint ? ` (${constraint})` : ''}` }];
  }
  return undefined;
}

/**
 * The import engine: rows in chunks of {@link IMPORT_CHUNK_ROWS}, each chunk one transaction; a chunk in which a
 * row fails is rolled back and done again with each row in a transaction of its own (a failing row is reported and
 * the batch goes on),
 * identification by the class's identifier sets, reconciliation by source precedence, every write through
 * CiWriter and RelationshipWriter (validation, audit, events), and an ImportRun with the counts and an
 * `import_completed` event at the end.
 */
@Injectable()
export class ImportEngine {
  private readonly logger = new Logger('ImportEngine');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly outbox: OutboxWriter,
    private readonly classes: ClassRegistry,
    private readonly cis: CiWriter,
    private readonly relationships: RelationshipWriter,
  ) {}

  async run(batch: ImportBatch): Promise<ImportResult> {
    const importId = randomUUID();
    const startedAt = new Date();
    await this.dataSource.getRepository(ImportRun).insert({ id: importId, source: batch.source, kind: batch.kind, scope: batch.scope, actorId: batch.actor.sub, startedAt, finishedAt: null, counts: null });
    const state: RunState = {
      importId,
      source: batch.source,
      context: { actorId: batch.actor.sub, source: batch.source },
      counts: { ...emptyCounts(), skipped: batch.skipped ?? 0 },
      rows: [],
      keys: new Map(),
      edges: new Set(),
    };
    const rules = await this.dataSource.getRepository(ReconciliationRule).find({ order: { position: 'ASC', id: 'ASC' } });
    const classes = new Map<string, CiClass | null>();
    const failedKeys = new Set<string>();

    for (let start = 0; start < batch.items.length; start += IMPORT_CHUNK_ROWS) {
      await this.importItems(batch.items.slice(start, start + IMPORT_CHUNK_ROWS), start, rules, classes, state, failedKeys);
    }
    for (let start = 0; start < batch.relationships.length; start += IMPORT_CHUNK_ROWS) {
      await this.importRelationships(batch.relationships.slice(start, start + IMPORT_CHUNK_ROWS), start, state, failedKeys, classes);
    }
    if (batch.afterRows) await batch.afterRows(state);

    await this.dataSource.transaction(async (manager) => {
      const finishedAt = new Date();
      await manager.update(ImportRun, { id: importId }, { finishedAt, counts: state.counts });
      await this.outbox.record(manager, {
        subject: importId,
        time: finishedAt,
        audit: { entityType: 'import_run', entityId: importId, action: 'completed', actorId: batch.actor.sub, before: null, after: { kind: batch.kind, scope: batch.scope, source: batch.source, counts: state.counts } },
        events: [eventOf(CmdbEvents.importCompleted, { importId, source: batch.source, counts: state.counts })],
      });
    });
    this.logger.log({ msg: 'import finished', importId, source: batch.source, kind: batch.kind, scope: batch.scope, counts: state.counts });
    return { importId, source: batch.source, counts: state.counts, ...fitRows(state.rows) };
  }

  /**
   * A chunk of items in one transaction, holding the identification locks of its classes (taken once, in name
   * order) until it commits. Should any row fail, the chunk is rolled back and its rows are imported again each in
   * a transaction of its own, so that a failing row is reported on its own and the others are imported.
   */
  private async importItems(items: ImportItem[], offset: number, rules: ReconciliationRuleLike[], classes: Map<string, CiClass | null>, state: RunState, failedKeys: Set<string>): Promise<void> {
    const apply = (i: number, duplicate: boolean, outcome: RowOutcome): void => {
      const item = items[i] as ImportItem;
      this.count(state, 'item', offset + i, outcome);
      if (item.key !== undefined && !duplicate) {
        if ((outcome.outcome === 'created' || outcome.outcome === 'updated' || outcome.outcome === 'unchanged') && outcome.ciId) state.keys.set(item.key, outcome.ciId);
        else failedKeys.add(item.key);
      }
    };
    if (items.length > 1) {
      const duplicates: boolean[] = [];
      const outcomes = await this.inChunkTransaction(async (manager) => {
        const names = [...new Set(items.map((item) => item.className).filter((name) => typeof name === 'string'))].sort();
        for (const name of names) await this.classOf(manager, name, classes);
        const locks = names.filter((name) => classes.get(name)).map((name) => `cmdb.identify:${name}`);
        if (locks.length > 0) await manager.query(`SELECT pg_advisory_xact_lock(hashtext(name)) FROM unnest($1::text[]) AS locks(name)`, [locks]);
        const chunk = await ChunkIdentification.load(
          manager,
          items.flatMap((item) => {
            const ciClass = classes.get(item.className);
            return ciClass ? [{ className: ciClass.name, lookups: identificationLookups(ciClass.identificationRules, item.identifiers ?? {}) }] : [];
          }),
        );
        const chunkKeys = new Set<string>();
        const results: RowOutcome[] = [];
        for (const item of items) {
          const duplicate = item.key !== undefined && (state.keys.has(item.key) || failedKeys.has(item.key) || chunkKeys.has(item.key));
          duplicates.push(duplicate);
          results.push(duplicate ? duplicateKey() : await this.importItemIn(manager, item, rules, classes, state.context, chunk));
          if (item.key !== undefined) chunkKeys.add(item.key);
        }
        return results;
      });
      if (outcomes) {
        for (const [i, outcome] of outcomes.entries()) apply(i, duplicates[i] ?? false, outcome);
        return;
      }
    }
    for (const [i, item] of items.entries()) {
      const duplicate = item.key !== undefined && (state.keys.has(item.key) || failedKeys.has(item.key));
      const outcome = duplicate ? duplicateKey() : await this.inRowTransaction((manager) => this.importItemIn(manager, item, rules, classes, state.context));
      apply(i, duplicate, outcome);
    }
  }

  /**
   * A chunk of relationships in one transaction: the CIs they name by key or id locked with one statement, the
   * edges they assert looked up with another, rules read once per type, and each new edge written with its audit
   * row and event in one statement. Should any row fail, the chunk is done again row by row as {@link importItems}.
   */
  private async importRelationships(relationships: ImportRelationship[], offset: number, state: RunState, failedKeys: Set<string>, classes: Map<string, CiClass | null>): Promise<void> {
    if (relationships.length > 1) {
      const edges = new Set<string>();
      const outcomes = await this.inChunkTransaction(async (manager) => {
        // Ends named by key or id are known before any row runs; ends named by identifiers are resolved row by row.
        const byId = (reference: ImportReference): string | undefined => (reference.key !== undefined ? state.keys.get(reference.key) : reference.ciId);
        const ids = relationships.flatMap((relationship) => [byId(relationship.source), byId(relationship.target)]).filter((id): id is string => id !== undefined);
        const named = relationships.flatMap((relationship) => {
          const [sourceId, targetId] = [byId(relationship.source), byId(relationship.target)];
          return sourceId !== undefined && targetId !== undefined ? [{ type: relationship.type, sourceId, targetId }] : [];
        });
        const known: EdgeContext = { cis: await this.relationships.lockCis(manager, ids), rules: new Map(), edges: await this.relationships.loadEdges(manager, named) };
        const results: RowOutcome[] = [];
        for (const relationship of relationships) results.push(await this.importRelationshipIn(manager, relationship, state, failedKeys, classes, edges, known));
        return results;
      });
      if (outcomes) {
        for (const edge of edges) state.edges.add(edge);
        for (const [i, outcome] of outcomes.entries()) this.count(state, 'relationship', offset + i, outcome);
        return;
      }
    }
    for (const [i, relationship] of relationships.entries()) {
      const outcome = await this.inRowTransaction((manager) => this.importRelationshipIn(manager, relationship, state, failedKeys, classes, state.edges));
      this.count(state, 'relationship', offset + i, outcome);
    }
  }

  /** Runs a chunk's rows in one transaction; undefined (and nothing written) when any of them failed. */
  private async inChunkTransaction(work: (manager: EntityManager) => Promise<RowOutcome[]>): Promise<RowOutcome[] | undefined> {
    try {
      return await this.dataSource.transaction(work);
    } catch (error) {
      this.logger.debug({ msg: 'import chunk rolled back, importing its rows one by one', error: error instanceof Error ? error.message : String(error) });
      return undefined;
    }
  }

  /** Adds a row's outcome to the counts, and to the rows of the result unless nothing changed. */
  count(state: RunState, kind: ImportRowResult['kind'], index: number, outcome: RowOutcome): void {
    const { counts } = state;
    if (kind === 'relationship') {
      if (outcome.outcome === 'created') counts.relationshipsAdded += 1;
      else if (outcome.outcome === 'unchanged') counts.relationshipsUnchanged += 1;
    } else if (outcome.outcome === 'created') counts.created += 1;
    else if (outcome.outcome === 'updated') counts.updated += 1;
    else if (outcome.outcome === 'unchanged') counts.unchanged += 1;
    else if (outcome.outcome === 'retired') counts.retired += 1;
    if (outcome.outcome === 'conflict') counts.conflicts += 1;
    if (outcome.outcome === 'error') counts.errors += 1;
    if (outcome.outcome !== 'unchanged') state.rows.push({ kind, index, ...outcome });
  }

  /** Runs `work` in a transaction of its own; a failure that belongs to the row becomes an `error` outcome. */
  async inRowTransaction(work: (manager: EntityManager) => Promise<RowOutcome>): Promise<RowOutcome> {
    try {
      return await this.dataSource.transaction(work);
    } catch (error) {
      const errors = rowErrors(error);
      if (!errors) throw error;
      return failed(errors);
    }
  }

  private async classOf(manager: EntityManager, className: string, cache: Map<string, CiClass | null>): Promise<CiClass | null> {
    if (!cache.has(className)) cache.set(className, await this.classes.get(className, manager));
    return cache.get(className) ?? null;
  }

  /** Identification of a row of a class, inside the row's transaction. */
  private async identifyIn(manager: EntityManager, ciClass: CiClass, lookups: IdentifierLookup[]): Promise<Identification> {
    const table = manager.connection.getMetadata(Ci).tablePath;
    return identify(lookups, (lookup) =>
      manager.query<IdentificationCandidate[]>(`SELECT id, identifiers FROM ${table} WHERE class_name = $1 AND identifiers @> $2::jsonb ORDER BY id LIMIT 50`, [ciClass.name, JSON.stringify(lookup.match)]),
    );
  }

  /** A row's identification and write: in a transaction of its own, or within `chunk` (which holds the identification locks). */
  private async importItemIn(manager: EntityManager, item: ImportItem, rules: ReconciliationRuleLike[], classes: Map<string, CiClass | null>, context: ChangeContext, chunk?: ChunkIdentification): Promise<RowOutcome> {
    const ciClass = await this.classOf(manager, item.className, classes);
    if (!ciClass) throw new RowFailure([unknownClass(item.className)]);
    const lookups = identificationLookups(ciClass.identificationRules, item.identifiers ?? {});
    if (lookups.length === 0) {
      const sets = ciClass.identificationRules.map((set) => set.join(' + ')).join('; ');
      throw new RowFailure([{ field: 'identifiers', message: `must hold every identifier of one identification set of ${ciClass.name}: ${sets}` }]);
    }
    // Two imports (or replicas) identifying CIs of the same class at once would both see "none" and both
    // create: identification and creation of a class are serialized, for the length of the row's (or its chunk's) transaction.
    if (!chunk) await manager.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`cmdb.identify:${ciClass.name}`]);
    const identification = chunk ? await chunk.identify(ciClass.name, lookups) : await this.identifyIn(manager, ciClass, lookups);
    if (identification.outcome === 'conflict') return { outcome: 'conflict', candidates: identification.candidates };
    if (identification.outcome === 'create') {
      const ci = await this.cis.create(
        manager,
        {
          className: ciClass.name,
          name: item.name,
          environment: item.environment ?? DEFAULT_IMPORT_ENVIRONMENT,
          ...(item.status !== undefined ? { status: item.status } : {}),
          ...(item.criticality !== undefined ? { criticality: item.criticality } : {}),
          ...(item.ownerGroup !== undefined ? { ownerGroup: item.ownerGroup } : {}),
          identifiers: item.identifiers,
          attributes: item.attributes ?? {},
        },
        context,
        ciClass,
      );
      chunk?.wrote(ci);
      return { outcome: 'created', ciId: ci.id };
    }
    const ci = chunk?.takeLocked(identification.ciId) ?? (await this.cis.lock(manager, identification.ciId));
    const values: ImportedValues = {
      name: item.name,
      ...(item.environment !== undefined ? { environment: item.environment } : {}),
      // A source that reports a retired CI says it exists again (subject to precedence on `status`).
      ...(item.status !== undefined ? { status: item.status } : ci.status === CiStatus.Retired ? { status: CiStatus.Operational } : {}),
      ...(item.criticality !== undefined ? { criticality: item.criticality } : {}),
      ...(item.ownerGroup !== undefined ? { ownerGroup: item.ownerGroup } : {}),
      identifiers: item.identifiers,
      ...(item.attributes ? { attributes: item.attributes } : {}),
    };
    const changes = reconcile(rules, ci, values, context.source);
    if (isEmptyChange(changes)) return { outcome: 'unchanged', ciId: ci.id };
    const updated = await this.cis.update(manager, ci, changes, context, ciClass);
    chunk?.wrote(ci);
    return { outcome: updated.changes.length > 0 ? 'updated' : 'unchanged', ciId: ci.id };
  }

  /** A relationship row; the edge it asserts goes to `edges` whether or not adding it succeeds. */
  private async importRelationshipIn(
    manager: EntityManager,
    relationship: ImportRelationship,
    state: RunState,
    failedKeys: Set<string>,
    classes: Map<string, CiClass | null>,
    edges: Set<string>,
    known?: EdgeContext,
  ): Promise<RowOutcome> {
    const source = await this.resolve(manager, 'source', relationship.source, state, failedKeys, classes);
    const target = await this.resolve(manager, 'target', relationship.target, state, failedKeys, classes);
    const conflicts = [...(source.conflict ?? []), ...(target.conflict ?? [])];
    if (conflicts.length > 0) return { outcome: 'conflict', candidates: [...new Set(conflicts)] };
    if (!source.id || !target.id) throw new Error('a relationship end was neither resolved nor refused');
    edges.add(edgeKey(relationship.type, source.id, target.id));
    try {
      const { created } = await this.relationships.add(manager, { type: relationship.type, sourceId: source.id, targetId: target.id }, state.context, known);
      return { outcome: created ? 'created' : 'unchanged' };
    } catch (error) {
      const errors = rowErrors(error);
      if (!errors) throw error;
      throw new RowFailure(errors.map((e) => ({ ...e, field: e.field === 'sourceId' ? 'source' : e.field === 'targetId' ? 'target' : e.field })));
    }
  }

  /** The CI a reference names; a reference that names none is the row's error, one that names several its conflict. */
  private async resolve(
    manager: EntityManager,
    end: 'source' | 'target',
    reference: ImportReference,
    state: RunState,
    failedKeys: Set<string>,
    classes: Map<string, CiClass | null>,
  ): Promise<{ id?: string; conflict?: string[] }> {
    const given = [reference.key !== undefined, reference.ciId !== undefined, reference.className !== undefined || reference.identifiers !== undefined].filter(Boolean).length;
    if (given !== 1) throw new RowFailure([{ field: end, message: 'must name a CI by exactly one of key, ciId, or className with identifiers' }]);
    if (reference.key !== undefined) {
      const id = state.keys.get(reference.key);
      if (id) return { id };
      const message = failedKeys.has(reference.key) ? `the row with key ${JSON.stringify(reference.key)} was not imported` : `no row of the batch has key ${JSON.stringify(reference.key)}`;
      throw new RowFailure([{ field: `${end}.key`, message }]);
    }
    if (reference.ciId !== undefined) return { id: reference.ciId };
    if (reference.className === undefined || reference.identifiers === undefined) throw new RowFailure([{ field: end, message: 'className and identifiers go together' }]);
    const ciClass = await this.classOf(manager, reference.className, classes);
    if (!ciClass) throw new RowFailure([{ ...unknownClass(reference.className), field: `${end}.className` }]);
    const lookups = identificationLookups(ciClass.identificationRules, reference.identifiers);
    if (lookups.length === 0) throw new RowFailure([{ field: `${end}.identifiers`, message: `hold no identification set of ${ciClass.name}` }]);
    const identification = await this.identifyIn(manager, ciClass, lookups);
    if (identification.outcome === 'conflict') return { conflict: identification.candidates };
    if (identification.outcome === 'create') throw new RowFailure([{ field: `${end}.identifiers`, message: `no ${ciClass.name} CI has these identifiers` }]);
    return { id: identification.ciId };
  }
}

/** Room for `rows` in a reply, well under the 1 MB NATS payload the counts and envelope also have to fit in. */
export const ROWS_REPLY_BUDGET_BYTES = 600_000;

/**
 * The rows a reply can carry: all of them when they fit the budget, else errors and conflicts first (what a
 * caller has to act on), then the rest, in row order within each, with how many were left out.
 */
export function fitRows(rows: ImportRowResult[], budget = ROWS_REPLY_BUDGET_BYTES): Pick<ImportResult, 'rows' | 'rowsLeftOut'> {
  const sizes = rows.map((row) => Buffer.byteLength(JSON.stringify(row)) + 1);
  if (sizes.reduce((sum, size) => sum + size, 0) <= budget) return { rows };
  const urgent = (row: ImportRowResult): boolean => row.outcome === 'error' || row.outcome === 'conflict';
  const order = rows.map((row, i) => ({ row, i })).sort((a, b) => Number(urgent(b.row)) - Number(urgent(a.row)) || a.i - b.i);
  const kept: ImportRowResult[] = [];
  let used = 0;
  for (const { row, i } of order) {
    const size = sizes[i] ?? 0;
    if (used + size > budget) break;
    kept.push(row);
    used += size;
  }
  return { rows: kept, rowsLeftOut: rows.length - kept.length };
}

function failed(errors: FieldError[]): RowOutcome {
  return { outcome: 'error', errors };
}

function duplicateKey(): RowOutcome {
  return failed([{ field: 'key', message: `is the key of an earlier row of the batch` }]);
}

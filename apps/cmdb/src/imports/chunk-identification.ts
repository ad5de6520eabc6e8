import { In, type EntityManager } from 'typeorm';
import type { CiIdentifiers } from '@itsm/contracts';
import { Ci } from '../cis/ci.entity';
import { decideLookup, type Identification, type IdentificationCandidate, identify, type IdentifierLookup } from '../domain/identification';

/** The rows of a chunk as identification sees them. */
export interface ChunkRow {
  className: string;
  lookups: IdentifierLookup[];
}

function lookupKey(className: string, lookup: IdentifierLookup): string {
  return `${className}\n${JSON.stringify(lookup.match)}`;
}

function holds(identifiers: CiIdentifiers, match: CiIdentifiers): boolean {
  return Object.entries(match).every(([key, value]) => identifiers[key as keyof CiIdentifiers] === value);
}

/**
 * Identification of the rows of a chunk, in the chunk's transaction and under its identification locks: one
 * statement finds the candidates of every lookup of the chunk (the query a row would make on its own, for all of
 * them at once), another locks the CIs they match. A CI the chunk itself creates or changes is then seen as it is
 * now, so that a later row of the chunk naming it finds it exactly as it would after the earlier row's commit.
 */
export class ChunkIdentification {
  private readonly found = new Map<string, IdentificationCandidate[]>();
  /** CIs written by the chunk so far, by id, with their class. */
  private readonly written = new Map<string, { className: string; identifiers: CiIdentifiers }>();
  private readonly locked = new Map<string, Ci>();

  private constructor(private readonly manager: EntityManager) {}

  static async load(manager: EntityManager, rows: ChunkRow[]): Promise<ChunkIdentification> {
    const chunk = new ChunkIdentification(manager);
    const lookups = new Map<string, { className: string; match: string }>();
    for (const row of rows) for (const lookup of row.lookups) lookups.set(lookupKey(row.className, lookup), { className: row.className, match: JSON.stringify(lookup.match) });
    if (lookups.size === 0) return chunk;
    const keys = [...lookups.keys()];
    const table = manager.connection.getMetadata(Ci).tablePath;
    const candidates = await manager.query<Array<{ position: string; id: string; identifiers: CiIdentifiers }>>(
      `SELECT l.position, c.id, c.identifiers
         FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS l(class_name, match, position)
         CROSS JOIN LATERAL (SELECT id, identifiers FROM ${table} WHERE class_name = l.class_name AND identifiers @> l.match::jsonb ORDER BY id LIMIT 50) c`,
      [keys.map((key) => lookups.get(key)?.className), keys.map((key) => lookups.get(key)?.match)],
    );
    for (const key of keys) chunk.found.set(key, []);
    for (const candidate of candidates) chunk.found.get(keys[Number(candidate.position) - 1] as string)?.push({ id: candidate.id, identifiers: candidate.identifiers });

    // The CIs rows will update, locked in id order with one statement rather than one by one.
    const matched = new Set<string>();
    for (const row of rows) {
      for (const lookup of row.lookups) {
        const decision = decideLookup(lookup, chunk.found.get(lookupKey(row.className, lookup)) ?? []);
        if (decision?.outcome === 'match') matched.add(decision.ciId);
        if (decision) break;
      }
    }
    if (matched.size > 0) {
      const cis = await manager.find(Ci, { where: { id: In([...matched].sort()) }, order: { id: 'ASC' }, lock: { mode: 'pessimistic_write' } });
      for (const ci of cis) chunk.locked.set(ci.id, ci);
    }
    return chunk;
  }

  /** The row's identification against the CIs as they are at this point of the chunk. */
  identify(className: string, lookups: IdentifierLookup[]): Promise<Identification> {
    return identify(lookups, async (lookup) => {
      const prefetched = this.found.get(lookupKey(className, lookup));
      const stored = prefetched ?? (await this.query(className, lookup));
      const mine = [...this.written.entries()].filter(([, ci]) => ci.className === className && holds(ci.identifiers, lookup.match)).map(([id, ci]) => ({ id, identifiers: ci.identifiers }));
      return [...stored.filter((candidate) => !this.written.has(candidate.id)), ...mine];
    });
  }

  /**
   * A CI the chunk has locked for update, as it was read then: handed out once, so that a second row naming the
   * same CI reads it again (as it would in a transaction of its own), or undefined when the caller has to lock it.
   */
  takeLocked(id: string): Ci | undefined {
    const ci = this.locked.get(id);
    this.locked.delete(id);
    return ci;
  }

  /** Records a CI the chunk has created or changed, with its identifiers as they are now. */
  wrote(ci: Ci): void {
    this.written.set(ci.id, { className: ci.className, identifiers: { ...ci.identifiers } });
  }

  private query(className: string, lookup: IdentifierLookup): Promise<IdentificationCandidate[]> {
    const table = this.manager.connection.getMetadata(Ci).tablePath;
    return this.manager.query<IdentificationCandidate[]>(`SELECT id, identifiers FROM ${table} WHERE class_name = $1 AND identifiers @> $2::jsonb ORDER BY id LIMIT 50`, [className, JSON.stringify(lookup.match)]);
  }
}

import type { CiIdentifierKey, CiIdentifiers } from '@itsm/contracts';

/** One lookup of identification: the CIs of the class whose identifiers contain `match` (jsonb `@>`). */
export interface IdentifierLookup {
  /** The identifier set of the class rule this lookup comes from, in rule order. */
  keys: CiIdentifierKey[];
  /** The row's values of those identifiers. */
  match: CiIdentifiers;
  /**
   * Identifiers of the row from the stronger sets tried before this one. A candidate found by this (weaker) set
   * that holds a different value for one of them is another thing that happens to share a weaker identifier
   * (a rebuilt node with the old hostname, a server whose hostname was reused) and is not a match.
   */
  stronger: CiIdentifiers;
}

/** A CI found by a lookup, with the identifiers it has. */
export interface IdentificationCandidate {
  id: string;
  identifiers: CiIdentifiers;
}

export type Identification =
  | { outcome: 'create' }
  | { outcome: 'match'; ciId: string; keys: CiIdentifierKey[] }
  | { outcome: 'conflict'; candidates: string[]; keys: CiIdentifierKey[] };

function valueOf(identifiers: CiIdentifiers, key: CiIdentifierKey): string | undefined {
  const value = identifiers[key];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/**
 * The lookups to make, strongest first: one per identifier set of the class whose identifiers the row all has.
 * A set the row lacks any identifier of does not apply. A row that no set applies to cannot be identified
 * (the caller refuses it rather than create a CI nothing could ever match again).
 */
export function identificationLookups(rules: readonly (readonly CiIdentifierKey[])[], identifiers: CiIdentifiers): IdentifierLookup[] {
  const lookups: IdentifierLookup[] = [];
  const stronger: CiIdentifiers = {};
  for (const set of rules) {
    if (set.length === 0) continue;
    const values = set.map((key) => [key, valueOf(identifiers, key)] as const);
    if (values.every(([, value]) => value !== undefined)) {
      lookups.push({ keys: [...set], match: Object.fromEntries(values) as CiIdentifiers, stronger: { ...stronger } });
    }
    for (const [key, value] of values) if (value !== undefined && stronger[key] === undefined) stronger[key] = value;
  }
  return lookups;
}

/** Whether a CI holding `identifiers` is found by `lookup` and not contradicted by a stronger identifier. */
export function candidateFits(lookup: IdentifierLookup, identifiers: CiIdentifiers): boolean {
  for (const key of lookup.keys) if (valueOf(identifiers, key) !== lookup.match[key]) return false;
  for (const [key, value] of Object.entries(lookup.stronger) as Array<[CiIdentifierKey, string]>) {
    const held = valueOf(identifiers, key);
    if (held !== undefined && held !== value) return false;
  }
  return true;
}

/**
 * The decision of one lookup: none fitting → undefined (try the next set), one → match, several → conflict
 * (the row names more than one CI; nothing is written, a person has to merge or fix identifiers).
 */
export function decideLookup(lookup: IdentifierLookup, found: readonly IdentificationCandidate[]): Identification | undefined {
  const fitting = [...new Set(found.filter((candidate) => candidateFits(lookup, candidate.identifiers)).map((candidate) => candidate.id))].sort();
  if (fitting.length === 0) return undefined;
  if (fitting.length === 1) return { outcome: 'match', ciId: fitting[0] as string, keys: lookup.keys };
  return { outcome: 'conflict', candidates: fitting, keys: lookup.keys };
}

/**
 * Identifies a row: the lookups are made in order and the first that finds a fitting CI decides; when none
 * does, the row is a new CI. `find` returns the CIs of the class whose identifiers contain `lookup.match`.
 */
export async function identify(
  lookups: readonly IdentifierLookup[],
  find: (lookup: IdentifierLookup) => Promise<IdentificationCandidate[]> | IdentificationCandidate[],
): Promise<Identification> {
  for (const lookup of lookups) {
    const decision = decideLookup(lookup, await find(lookup));
    if (decision) return decision;
  }
  return { outcome: 'create' };
}

/** {@link identify} against CIs held in memory (tests, and batches checked before they are written). */
export function identifyAmong(lookups: readonly IdentifierLookup[], cis: readonly IdentificationCandidate[]): Identification {
  for (const lookup of lookups) {
    const decision = decideLookup(
      lookup,
      cis.filter((ci) => lookup.keys.every((key) => valueOf(ci.identifiers, key) === lookup.match[key])),
    );
    if (decision) return decision;
  }
  return { outcome: 'create' };
}

import type { CiIdentifiers, CiStatus } from '@itsm/contracts';

/** What reconciliation needs of a stored rule (see `ReconciliationRule`). */
export interface ReconciliationRuleLike {
  position: number;
  /** Null for every class. */
  className: string | null;
  /** `name`, `environment`, `attributes.version`, `attributes` (every attribute), `identifiers.serial` …; null for every field. */
  fields: readonly string[] | null;
  /** Highest authority first. */
  sources: readonly string[];
}

/** Fields of a CI other than attributes and identifiers that an import row may set. */
export const RECONCILED_FIELDS = ['name', 'environment', 'status', 'criticality', 'ownerGroup'] as const;
export type ReconciledField = (typeof RECONCILED_FIELDS)[number];

function ruleCovers(rule: ReconciliationRuleLike, className: string, field: string): boolean {
  if (rule.className !== null && rule.className !== className) return false;
  if (rule.fields === null) return true;
  return rule.fields.some((covered) => covered === field || field.startsWith(`${covered}.`));
}

/** The rule that decides for a field of a class: the first by ascending position that covers both. */
export function ruleFor(rules: readonly ReconciliationRuleLike[], className: string, field: string): ReconciliationRuleLike | undefined {
  return [...rules].sort((a, b) => a.position - b.position).find((rule) => ruleCovers(rule, className, field));
}

/** Rank in a rule: 0 is the highest; every source the rule does not list shares the rank below the last listed. */
export function rankOf(rule: ReconciliationRuleLike, source: string): number {
  const index = rule.sources.indexOf(source);
  return index === -1 ? rule.sources.length : index;
}

/**
 * Whether `incoming` may overwrite a field last set by `current`. A source may always overwrite its own value
 * and a value nobody is recorded to have set; otherwise the rule covering the field decides (equal or higher
 * rank wins); with no rule, the last writer wins.
 */
export function mayOverwrite(
  rules: readonly ReconciliationRuleLike[],
  input: { className: string; field: string; currentSource: string | undefined; incomingSource: string },
): boolean {
  const { className, field, currentSource, incomingSource } = input;
  if (currentSource === undefined || currentSource === incomingSource) return true;
  const rule = ruleFor(rules, className, field);
  if (!rule) return true;
  return rankOf(rule, incomingSource) <= rankOf(rule, currentSource);
}

/** The CI as reconciliation sees it. */
export interface ReconcilableCi {
  className: string;
  name: string;
  environment: string;
  status: CiStatus;
  criticality: number;
  ownerGroup: string | null;
  identifiers: CiIdentifiers;
  attributes: Record<string, unknown>;
  attributeSources: Record<string, string>;
}

/** What an import row says about a CI; fields left out are not reported by the source and are left alone. */
export interface ImportedValues {
  name?: string;
  environment?: string;
  status?: CiStatus;
  criticality?: number;
  ownerGroup?: string;
  identifiers?: CiIdentifiers;
  /** A null value asks to remove the attribute. */
  attributes?: Record<string, unknown>;
}

/** Changes in the shape `CiWriter.update` takes: attributes (and identifiers) are merged, null removes. */
export interface ReconciledChanges {
  name?: string;
  environment?: string;
  status?: CiStatus;
  criticality?: number;
  ownerGroup?: string | null;
  identifiers?: CiIdentifiers;
  attributes?: Record<string, unknown>;
}

/** Whether two JSON values are equal (object key order does not matter, array order does). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((value, i) => jsonEqual(value, b[i]));
  const left = Object.entries(a as Record<string, unknown>).filter(([, value]) => value !== undefined);
  const right = b as Record<string, unknown>;
  const rightKeys = Object.keys(right).filter((key) => right[key] !== undefined);
  return left.length === rightKeys.length && left.every(([key, value]) => Object.hasOwn(right, key) && jsonEqual(value, right[key]));
}

/**
 * The changes an import row from `source` may make to an existing CI: only fields whose value differs, and
 * only where the source may overwrite the one that set the current value. Identifiers are only added or
 * corrected, never removed (a source that does not report one says nothing about it). Applying the result
 * and reconciling the same row again yields no changes, which is what makes re-imports idempotent.
 */
export function reconcile(rules: readonly ReconciliationRuleLike[], ci: ReconcilableCi, row: ImportedValues, source: string): ReconciledChanges {
  const changes: ReconciledChanges = {};
  const allowed = (field: string): boolean => mayOverwrite(rules, { className: ci.className, field, currentSource: ci.attributeSources[field], incomingSource: source });
  for (const field of RECONCILED_FIELDS) {
    const value = row[field];
    if (value === undefined || jsonEqual(value, ci[field]) || !allowed(field)) continue;
    (changes as Record<string, unknown>)[field] = value;
  }
  const identifiers: Record<string, string> = {};
  for (const [key, value] of Object.entries(row.identifiers ?? {})) {
    if (typeof value !== 'string' || value === (ci.identifiers as Record<string, unknown>)[key] || !allowed(`identifiers.${key}`)) continue;
    identifiers[key] = value;
  }
  if (Object.keys(identifiers).length > 0) changes.identifiers = { ...ci.identifiers, ...identifiers };
  const attributes: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row.attributes ?? {})) {
    if (value === undefined) continue;
    const present = Object.hasOwn(ci.attributes, key);
    if (value === null ? !present : present && jsonEqual(value, ci.attributes[key])) continue;
    if (!allowed(`attributes.${key}`)) continue;
    attributes[key] = value;
  }
  if (Object.keys(attributes).length > 0) changes.attributes = attributes;
  return changes;
}

/** Whether reconciliation found nothing to change. */
export function isEmptyChange(changes: ReconciledChanges): boolean {
  return Object.keys(changes).length === 0;
}

/**
 * The CI after `changes` from `source` are applied, as `CiWriter.update` does it (attributes merged, null
 * removes; every changed field records its source). Used to reason about reconciliation without a database.
 */
export function applyChanges<C extends ReconcilableCi>(ci: C, changes: ReconciledChanges, source: string): C {
  const next: C = { ...ci, identifiers: { ...ci.identifiers }, attributes: { ...ci.attributes }, attributeSources: { ...ci.attributeSources } };
  for (const field of RECONCILED_FIELDS) {
    if (changes[field] === undefined) continue;
    (next as Record<string, unknown>)[field] = changes[field];
    next.attributeSources[field] = source;
  }
  if (changes.identifiers) {
    for (const [key, value] of Object.entries(changes.identifiers)) {
      if ((ci.identifiers as Record<string, unknown>)[key] !== value) next.attributeSources[`identifiers.${key}`] = source;
    }
    next.identifiers = { ...changes.identifiers };
  }
  for (const [key, value] of Object.entries(changes.attributes ?? {})) {
    if (value === null) delete next.attributes[key];
    else next.attributes[key] = value;
    next.attributeSources[`attributes.${key}`] = source;
  }
  return next;
}

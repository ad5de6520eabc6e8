import fc from 'fast-check';
import { type CiSnapshot, canonicalJson, diffCi, mergeMap, NO_CI, nextSources, sameJson } from './ci-changes';

const json: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, fc.string(), fc.integer(), fc.boolean(), fc.array(tie('value'), { maxLength: 3 }), fc.dictionary(fc.string({ minLength: 1, maxLength: 5 }), tie('value'), { maxKeys: 3 })),
})).value;

const key = fc.constantFrom('engine', 'version', 'port', 'labels', 'os');
const attributes = fc.dictionary(key, json.filter((value) => value !== null), { maxKeys: 5 });
const snapshot: fc.Arbitrary<CiSnapshot> = fc.record({
  name: fc.string({ minLength: 1, maxLength: 10 }),
  environment: fc.constantFrom('prod', 'staging', 'dev'),
  status: fc.constantFrom('planned', 'operational', 'maintenance'),
  criticality: fc.integer({ min: 1, max: 4 }),
  ownerGroup: fc.option(fc.constantFrom('dba-team', 'platform'), { nil: null }),
  retiredAt: fc.constant(null),
  identifiers: fc.dictionary(fc.constantFrom('hostname', 'fqdn', 'ip'), fc.string({ minLength: 1, maxLength: 8 }), { maxKeys: 3 }),
  attributes,
});

/** Applies a diff's `to` values to a snapshot: what the diff claims the later snapshot is. */
function apply(before: CiSnapshot, changes: ReturnType<typeof diffCi>): CiSnapshot {
  const after: CiSnapshot = { ...before, identifiers: { ...before.identifiers }, attributes: { ...before.attributes } };
  for (const { field, to } of changes) {
    const [head, rest] = [field.split('.')[0] as string, field.slice(field.indexOf('.') + 1)];
    if (head === 'attributes' || head === 'identifiers') {
      if (to === null) delete after[head][rest];
      else after[head][rest] = to;
    } else {
      (after as unknown as Record<string, unknown>)[head] = to;
    }
  }
  return after;
}

describe('CI changes', () => {
  it('finds no change between a snapshot and itself, whatever the key order of its objects', () => {
    fc.assert(
      fc.property(snapshot, (ci) => {
        const reordered = { ...ci, attributes: Object.fromEntries(Object.entries(ci.attributes).reverse()) };
        expect(diffCi(ci, reordered)).toEqual([]);
      }),
    );
  });

  it('lists exactly what turns the earlier snapshot into the later one', () => {
    fc.assert(
      fc.property(snapshot, snapshot, (before, after) => {
        const changes = diffCi(before, after);
        expect(sameJson(apply(before, changes), after)).toBe(true);
        for (const change of changes) expect(sameJson(change.from, change.to)).toBe(false);
      }),
    );
  });

  it('names fields name, …, identifiers.<key> and attributes.<key>, top-level fields first', () => {
    const before: CiSnapshot = { ...NO_CI, name: 'db', environment: 'prod', status: 'operational', criticality: 3, identifiers: { fqdn: 'a' }, attributes: { engine: 'postgresql', port: 5432 } };
    const after: CiSnapshot = { ...before, criticality: 1, identifiers: {}, attributes: { engine: 'postgresql', port: 5433, version: '16' } };
    expect(diffCi(before, after)).toEqual([
      { field: 'criticality', from: 3, to: 1 },
      { field: 'identifiers.fqdn', from: 'a', to: null },
      { field: 'attributes.port', from: 5432, to: 5433 },
      { field: 'attributes.version', from: null, to: '16' },
    ]);
  });

  it('merges a patch: given keys set, null removes, others stay; merging nothing changes nothing', () => {
    fc.assert(
      fc.property(attributes, fc.dictionary(key, fc.option(json.filter((value) => value !== null), { nil: null }), { maxKeys: 5 }), (existing, patch) => {
        const merged = mergeMap(existing, patch);
        expect(mergeMap(existing, {})).toEqual(existing);
        for (const [name, value] of Object.entries(patch)) {
          if (value === null) expect(merged).not.toHaveProperty([name]);
          else expect(merged[name]).toEqual(value);
        }
        for (const name of Object.keys(existing).filter((name) => !(name in patch))) expect(merged[name]).toEqual(existing[name]);
        const changed = diffCi({ ...NO_CI, attributes: existing }, { ...NO_CI, attributes: merged }).map((change) => change.field.slice('attributes.'.length));
        for (const name of changed) expect(Object.keys(patch)).toContain(name);
      }),
    );
  });

  it('gives every changed field to the new source and forgets the source of a removed value', () => {
    const sources = nextSources(
      { name: 'discovery', 'attributes.port': 'discovery', 'attributes.engine': 'discovery' },
      [
        { field: 'name', from: 'a', to: 'b' },
        { field: 'attributes.port', from: 1, to: null },
        { field: 'retiredAt', from: null, to: '2026-01-01T00:00:00.000Z' },
      ],
      'manual',
    );
    expect(sources).toEqual({ name: 'manual', 'attributes.engine': 'discovery' });
  });

  it('reads objects equal whatever their key order, and undefined as null', () => {
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: 3 }] })).toBe(canonicalJson({ a: [{ c: 3, d: 2 }], b: 1 }));
    expect(sameJson(undefined, null)).toBe(true);
    expect(sameJson('5', 5)).toBe(false);
  });
});

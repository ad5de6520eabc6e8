import fc from 'fast-check';
import { diffFields } from './field-changes';

type Row = Record<string, unknown>;

function buildProblemRow(overrides: Row = {}): Row {
  return {
    id: '5b8f0c7e-2a41-4d39-9f5e-1c2d3e4f5a6b',
    title: 'Mail queue stalls',
    state: 'new',
    priority: 'P3',
    rootCause: null,
    ciIds: ['c1a2b3c4-d5e6-4f70-8192-a3b4c5d6e7f8'],
    detection: null,
    version: 1,
    updatedAt: '2026-03-01T12:00:00.000Z',
    ...overrides,
  };
}

describe('field changes', () => {
  it('lists each changed field with its old and new value, in the order of the later snapshot', () => {
    const after = buildProblemRow({ priority: 'P1', rootCause: 'Disk full' });
    expect(diffFields(buildProblemRow(), after)).toEqual([
      { field: 'priority', from: 'P3', to: 'P1' },
      { field: 'rootCause', from: null, to: 'Disk full' },
    ]);
  });

  it('ignores the version and the update time', () => {
    expect(diffFields(buildProblemRow(), buildProblemRow({ version: 2, updatedAt: '2026-03-01T13:00:00.000Z' }))).toEqual([]);
  });

  it('treats undefined and null alike', () => {
    expect(diffFields(buildProblemRow({ rootCause: undefined }), buildProblemRow({ rootCause: null }))).toEqual([]);
  });

  it('compares arrays in order and objects regardless of key order', () => {
    expect(diffFields(buildProblemRow({ ciIds: ['a', 'b'] }), buildProblemRow({ ciIds: ['b', 'a'] }))).toEqual([{ field: 'ciIds', from: ['a', 'b'], to: ['b', 'a'] }]);
    expect(diffFields(buildProblemRow({ detection: { a: 1, b: 2 } }), buildProblemRow({ detection: { b: 2, a: 1 } }))).toEqual([]);
  });

  it('lists every non-null field of a new record, and nothing without a later snapshot', () => {
    expect(diffFields(null, { title: 'x', rootCause: null, version: 1 })).toEqual([{ field: 'title', from: null, to: 'x' }]);
    expect(diffFields(buildProblemRow(), null)).toEqual([]);
  });

  it('turns the earlier snapshot into the later one when its changes are applied', () => {
    const KEYS = ['title', 'state', 'ciIds', 'detection', 'version'];
    const value = fc.oneof(fc.constant(null), fc.constant(undefined), fc.integer({ min: 0, max: 3 }), fc.constantFrom('', 'a'), fc.array(fc.constantFrom('a', 'b'), { maxLength: 2 }));
    const row: fc.Arbitrary<Row> = fc.array(fc.tuple(fc.constantFrom(...KEYS), value), { maxLength: KEYS.length }).map((entries) => Object.fromEntries(entries));
    fc.assert(
      fc.property(fc.option(row, { nil: null }), row, (before, after) => {
        const applied: Row = { ...(before ?? {}) };
        for (const change of diffFields(before, after)) applied[change.field] = change.to;
        for (const key of new Set([...Object.keys(after), ...Object.keys(before ?? {})])) {
          if (key !== 'version') expect(applied[key] ?? null).toEqual(after[key] ?? null);
        }
      }),
    );
  });
});

import fc from 'fast-check';
import { diffFields } from './field-changes';

type Row = Record<string, unknown>;

function buildIncidentRow(overrides: Row = {}): Row {
  return {
    id: '5b8f0c7e-2a41-4d39-9f5e-1c2d3e4f5a6b',
    title: 'Printer jams',
    state: 'new',
    priority: 'P3',
    assignmentGroup: null,
    ciIds: ['c1a2b3c4-d5e6-4f70-8192-a3b4c5d6e7f8'],
    custom: { floor: 3, building: 'B' },
    version: 1,
    updatedAt: '2024-03-01T12:00:00.000Z',
    ...overrides,
  };
}

describe('field changes', () => {
  it('lists each changed field with its old and new value', () => {
    const before = buildIncidentRow();
    const after = buildIncidentRow({ state: 'in_progress', assignmentGroup: 'desk' });
    expect(diffFields(before, after)).toEqual([
      { field: 'state', from: 'new', to: 'in_progress' },
      { field: 'assignmentGroup', from: null, to: 'desk' },
    ]);
  });

  it('lists nothing when nothing changed', () => {
    expect(diffFields(buildIncidentRow(), buildIncidentRow())).toEqual([]);
  });

  it('ignores the version and the update time', () => {
    const before = buildIncidentRow();
    const after = buildIncidentRow({ version: 2, updatedAt: '2024-03-01T13:00:00.000Z' });
    expect(diffFields(before, after)).toEqual([]);
  });

  it('treats undefined and null alike, in either direction', () => {
    expect(diffFields(buildIncidentRow({ assignmentGroup: undefined }), buildIncidentRow({ assignmentGroup: null }))).toEqual([]);
    expect(diffFields(buildIncidentRow({ assignmentGroup: null }), buildIncidentRow({ assignmentGroup: undefined }))).toEqual([]);
  });

  it('reports a field that went missing as changed to null', () => {
    const after = buildIncidentRow();
    delete after.title;
    expect(diffFields(buildIncidentRow(), after)).toEqual([{ field: 'title', from: 'Printer jams', to: null }]);
  });

  it('reports a field that is new in the later snapshot as changed from null', () => {
    expect(diffFields(buildIncidentRow(), buildIncidentRow({ resolutionCode: 'workaround' }))).toEqual([{ field: 'resolutionCode', from: null, to: 'workaround' }]);
  });

  it('reports a value set to undefined as changed to null', () => {
    expect(diffFields(buildIncidentRow({ assignmentGroup: 'desk' }), buildIncidentRow({ assignmentGroup: undefined }))).toEqual([{ field: 'assignmentGroup', from: 'desk', to: null }]);
  });

  it('compares arrays by value', () => {
    const before = buildIncidentRow({ ciIds: ['a', 'b'] });
    expect(diffFields(before, buildIncidentRow({ ciIds: ['a', 'b'] }))).toEqual([]);
    expect(diffFields(before, buildIncidentRow({ ciIds: ['b', 'a'] }))).toEqual([{ field: 'ciIds', from: ['a', 'b'], to: ['b', 'a'] }]);
    expect(diffFields(before, buildIncidentRow({ ciIds: ['a'] }))).toEqual([{ field: 'ciIds', from: ['a', 'b'], to: ['a'] }]);
  });

  it('compares objects by value', () => {
    const before = buildIncidentRow({ custom: { floor: 3, tags: ['x'] } });
    expect(diffFields(before, buildIncidentRow({ custom: { floor: 3, tags: ['x'] } }))).toEqual([]);
    expect(diffFields(before, buildIncidentRow({ custom: { floor: 4, tags: ['x'] } }))).toEqual([{ field: 'custom', from: { floor: 3, tags: ['x'] }, to: { floor: 4, tags: ['x'] } }]);
  });

  it('tells a number from the same digits as text', () => {
    expect(diffFields({ floor: 3 }, { floor: '3' })).toEqual([{ field: 'floor', from: 3, to: '3' }]);
  });

  it('lists every non-null field of a new record, except the bookkeeping ones', () => {
    const after = buildIncidentRow();
    expect(diffFields(null, after)).toEqual([
      { field: 'id', from: null, to: after.id },
      { field: 'title', from: null, to: 'Printer jams' },
      { field: 'state', from: null, to: 'new' },
      { field: 'priority', from: null, to: 'P3' },
      { field: 'ciIds', from: null, to: after.ciIds },
      { field: 'custom', from: null, to: after.custom },
    ]);
  });

  it('lists nothing without a later snapshot', () => {
    expect(diffFields(buildIncidentRow(), null)).toEqual([]);
    expect(diffFields(null, null)).toEqual([]);
  });

  it('lists changes in the order of the later snapshot, then fields it dropped', () => {
    const before = { a: 1, b: 1, gone: 1 };
    const after = { c: 2, b: 2, a: 2 };
    expect(diffFields(before, after).map((change) => change.field)).toEqual(['c', 'b', 'a', 'gone']);
  });

  describe('invariants', () => {
    const KEYS = ['title', 'state', 'priority', 'assignmentGroup', 'ciIds', 'custom', 'version', 'updatedAt'];
    const valueArb = fc.oneof(
      fc.constant(null),
      fc.constant(undefined),
      fc.boolean(),
      fc.integer({ min: -5, max: 5 }),
      fc.constantFrom('', 'a', 'b', 'new'),
      fc.array(fc.constantFrom('a', 'b'), { maxLength: 3 }),
      fc.record({ floor: fc.integer({ min: 0, max: 3 }) }, { requiredKeys: [] }),
    );
    const rowArb: fc.Arbitrary<Row> = fc
      .array(fc.tuple(fc.constantFrom(...KEYS), valueArb), { maxLength: KEYS.length })
      .map((entries) => Object.fromEntries(entries));
    const IGNORED = new Set(['version', 'updatedAt']);

    it('finds no change between a snapshot and itself or a copy of it', () => {
      fc.assert(
        fc.property(rowArb, (row) => {
          expect(diffFields(row, row)).toEqual([]);
          expect(diffFields(row, structuredClone(row))).toEqual([]);
        }),
      );
    });

    it('turns the earlier snapshot into the later one when its changes are applied', () => {
      fc.assert(
        fc.property(fc.option(rowArb, { nil: null }), rowArb, (before, after) => {
          const applied: Row = { ...(before ?? {}) };
          for (const change of diffFields(before, after)) applied[change.field] = change.to;
          for (const key of new Set([...Object.keys(after), ...Object.keys(before ?? {})])) {
            if (!IGNORED.has(key)) expect(applied[key] ?? null).toEqual(after[key] ?? null);
          }
        }),
      );
    });

    it('never reports a bookkeeping field or an unchanged one', () => {
      fc.assert(
        fc.property(fc.option(rowArb, { nil: null }), rowArb, (before, after) => {
          for (const change of diffFields(before, after)) {
            expect(IGNORED.has(change.field)).toBe(false);
            expect(change.from).toEqual(before?.[change.field] ?? null);
            expect(change.to).toEqual(after[change.field] ?? null);
            expect(change.to).not.toEqual(change.from);
          }
        }),
      );
    });
  });
});

describe('field changes of JSON values', () => {
  it('ignores the key order of objects, as jsonb returns them', () => {
    expect(diffFields({ custom: { a: 1, b: 2 } }, { custom: { b: 2, a: 1 } })).toEqual([]);
  });

  it('treats a nested undefined like a nested null', () => {
    expect(diffFields({ custom: { a: null } }, { custom: { a: undefined } })).toEqual([]);
  });
});

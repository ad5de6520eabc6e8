import fc from 'fast-check';
import { CiStatus } from '@itsm/contracts';
import { applyChanges, type ImportedValues, isEmptyChange, jsonEqual, mayOverwrite, type ReconcilableCi, reconcile, type ReconciliationRuleLike, ruleFor } from './reconciliation';

function buildRule(overrides: Partial<ReconciliationRuleLike> = {}): ReconciliationRuleLike {
  return { position: 10, className: null, fields: null, sources: ['manual', 'discovery'], ...overrides };
}

function buildCi(overrides: Partial<ReconcilableCi> = {}): ReconcilableCi {
  return {
    className: 'server',
    name: 'db-01',
    environment: 'prod',
    status: CiStatus.Operational,
    criticality: 3,
    ownerGroup: null,
    identifiers: { hostname: 'db-01' },
    attributes: { os: 'Debian 12' },
    attributeSources: { name: 'discovery', environment: 'discovery', 'attributes.os': 'discovery' },
    ...overrides,
  };
}

const may = (rules: ReconciliationRuleLike[], currentSource: string | undefined, incomingSource: string, field = 'attributes.os', className = 'server'): boolean =>
  mayOverwrite(rules, { className, field, currentSource, incomingSource });

describe('reconciliation', () => {
  describe('who may overwrite', () => {
    const rules = [buildRule({ sources: ['manual', 'discovery', 'kubernetes'] })];

    it('lets a source overwrite its own value whatever its rank', () => {
      expect(may(rules, 'kubernetes', 'kubernetes')).toBe(true);
      expect(may(rules, 'spreadsheet', 'spreadsheet')).toBe(true);
    });

    it('lets a higher or equally ranked source overwrite, not a lower one', () => {
      expect(may(rules, 'discovery', 'manual')).toBe(true);
      expect(may(rules, 'manual', 'discovery')).toBe(false);
      expect(may(rules, 'kubernetes', 'discovery')).toBe(true);
    });

    it('ranks a source the rule does not list below every listed one', () => {
      expect(may(rules, 'kubernetes', 'spreadsheet')).toBe(false);
      expect(may(rules, 'spreadsheet', 'kubernetes')).toBe(true);
      expect(may(rules, 'spreadsheet', 'csv')).toBe(true);
    });

    it('lets the last writer win where no rule covers the field', () => {
      const narrow = [buildRule({ className: 'database', fields: ['attributes.version'] })];
      expect(may(narrow, 'manual', 'discovery', 'attributes.version', 'server')).toBe(true);
      expect(may(narrow, 'manual', 'discovery', 'attributes.engine', 'database')).toBe(true);
      expect(may(narrow, 'manual', 'discovery', 'attributes.version', 'database')).toBe(false);
    });

    it('lets anyone set a value nobody is recorded to have set', () => {
      expect(may(rules, undefined, 'spreadsheet')).toBe(true);
    });

    it('takes the first covering rule by position, and `attributes` covers every attribute', () => {
      const ordered = [buildRule({ position: 20, sources: ['manual'] }), buildRule({ position: 10, fields: ['attributes'], sources: ['discovery', 'manual'] })];
      expect(ruleFor(ordered, 'server', 'attributes.os')?.position).toBe(10);
      expect(ruleFor(ordered, 'server', 'name')?.position).toBe(20);
      expect(may(ordered, 'manual', 'discovery', 'attributes.os')).toBe(true);
      expect(may(ordered, 'manual', 'discovery', 'name')).toBe(false);
    });
  });

  describe('changes of an import row', () => {
    it('changes only fields whose value differs', () => {
      const changes = reconcile([], buildCi(), { name: 'db-01', environment: 'prod', attributes: { os: 'Debian 12', cpuCount: 8 } }, 'discovery');
      expect(changes).toEqual({ attributes: { cpuCount: 8 } });
    });

    it('keeps a value set by a higher source and takes the rest', () => {
      const ci = buildCi({ attributeSources: { 'attributes.os': 'manual', name: 'discovery' } });
      const changes = reconcile([buildRule()], ci, { name: 'db-01.prod', attributes: { os: 'Ubuntu 24.04' } }, 'discovery');
      expect(changes).toEqual({ name: 'db-01.prod' });
    });

    it('adds identifiers the CI lacks and never removes one the row leaves out', () => {
      const changes = reconcile([], buildCi({ identifiers: { hostname: 'db-01', ip: '10.0.0.1' } }), { identifiers: { hostname: 'db-01', serial: 'SN-1' } }, 'discovery');
      expect(changes).toEqual({ identifiers: { hostname: 'db-01', ip: '10.0.0.1', serial: 'SN-1' } });
    });

    it('removes an attribute the row sets to null, and ignores null for one that is not there', () => {
      expect(reconcile([], buildCi(), { attributes: { os: null, model: null } }, 'discovery')).toEqual({ attributes: { os: null } });
    });

    it('compares attribute values as JSON, whatever the key order', () => {
      const ci = buildCi({ attributes: { labels: { app: 'db', tier: 'data' } } });
      expect(isEmptyChange(reconcile([], ci, { attributes: { labels: { tier: 'data', app: 'db' } } }, 'discovery'))).toBe(true);
      expect(jsonEqual(['a', 'b'], ['b', 'a'])).toBe(false);
    });
  });

  describe('properties', () => {
    const source = fc.constantFrom('manual', 'discovery', 'kubernetes', 'spreadsheet');
    const field = fc.constantFrom('name', 'environment', 'status', 'criticality', 'attributes', 'attributes.os', 'attributes.cpuCount', 'identifiers.serial');
    const rule = fc.record({
      position: fc.integer({ min: 0, max: 100 }),
      className: fc.constantFrom(null, 'server', 'database'),
      fields: fc.option(fc.uniqueArray(field, { minLength: 1, maxLength: 3 }), { nil: null }),
      sources: fc.uniqueArray(source, { minLength: 1, maxLength: 4 }),
    });
    const rules = fc.array(rule, { maxLength: 4 });
    const attrValue = fc.oneof(fc.constantFrom('Debian 12', 'Ubuntu', null), fc.integer({ min: 1, max: 4 }), fc.dictionary(fc.constantFrom('app', 'tier'), fc.constantFrom('x', 'y')));
    const attributes = fc.dictionary(fc.constantFrom('os', 'cpuCount', 'labels'), attrValue);
    const sources = fc.dictionary(fc.constantFrom('name', 'environment', 'status', 'attributes.os', 'attributes.cpuCount', 'attributes.labels', 'identifiers.serial'), source);
    const ci = fc.record({
      className: fc.constantFrom('server', 'database'),
      name: fc.constantFrom('db-01', 'db-02'),
      environment: fc.constantFrom('prod', 'test'),
      status: fc.constantFrom(CiStatus.Operational, CiStatus.Maintenance),
      criticality: fc.integer({ min: 1, max: 4 }),
      ownerGroup: fc.constantFrom(null, 'dba'),
      identifiers: fc.record({ hostname: fc.constantFrom('db-01'), serial: fc.constantFrom('SN-1', 'SN-2') }, { requiredKeys: ['hostname'] }),
      attributes: attributes.map((all) => Object.fromEntries(Object.entries(all).filter(([, v]) => v !== null))),
      attributeSources: sources,
    });
    const row: fc.Arbitrary<ImportedValues> = fc.record(
      {
        name: fc.constantFrom('db-01', 'db-02'),
        environment: fc.constantFrom('prod', 'test'),
        status: fc.constantFrom(CiStatus.Operational, CiStatus.Maintenance),
        criticality: fc.integer({ min: 1, max: 4 }),
        ownerGroup: fc.constantFrom('dba', 'ops'),
        identifiers: fc.record({ serial: fc.constantFrom('SN-1', 'SN-2') }),
        attributes,
      },
      { requiredKeys: [] },
    );

    it('applying a row twice is applying it once: a re-import changes nothing', () => {
      fc.assert(
        fc.property(rules, ci, row, source, (ruleList, stored, imported, from) => {
          const once = applyChanges(stored, reconcile(ruleList, stored, imported, from), from);
          const again = reconcile(ruleList, once, imported, from);
          expect(again).toEqual({});
          expect(applyChanges(once, again, from)).toEqual(once);
        }),
      );
    });

    it('never changes a field the source may not overwrite', () => {
      fc.assert(
        fc.property(rules, ci, row, source, (ruleList, stored, imported, from) => {
          const changes = reconcile(ruleList, stored, imported, from);
          for (const key of Object.keys(changes.attributes ?? {})) {
            expect(mayOverwrite(ruleList, { className: stored.className, field: `attributes.${key}`, currentSource: stored.attributeSources[`attributes.${key}`], incomingSource: from })).toBe(true);
          }
          for (const key of ['name', 'environment', 'status', 'criticality', 'ownerGroup'] as const) {
            if (changes[key] !== undefined) expect(mayOverwrite(ruleList, { className: stored.className, field: key, currentSource: stored.attributeSources[key], incomingSource: from })).toBe(true);
          }
        }),
      );
    });

    it('a source with the highest rank everywhere always gets its values in', () => {
      fc.assert(
        fc.property(rules, ci, row, (ruleList, stored, imported) => {
          const top = ruleList.map((r) => ({ ...r, sources: ['authority', ...r.sources] }));
          const after = applyChanges(stored, reconcile(top, stored, imported, 'authority'), 'authority');
          if (imported.name !== undefined) expect(after.name).toBe(imported.name);
          for (const [key, value] of Object.entries(imported.attributes ?? {})) {
            if (value === null) expect(Object.hasOwn(after.attributes, key)).toBe(false);
            else expect(jsonEqual(after.attributes[key], value)).toBe(true);
          }
        }),
      );
    });
  });
});

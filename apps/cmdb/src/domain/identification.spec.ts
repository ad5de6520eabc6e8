import fc from 'fast-check';
import { CI_IDENTIFIER_KEYS, type CiIdentifierKey, type CiIdentifiers } from '@itsm/contracts';
import { decideLookup, identificationLookups, identify, identifyAmong, type IdentificationCandidate } from './identification';

const SERVER_RULES: CiIdentifierKey[][] = [['k8sUid'], ['serial'], ['fqdn'], ['hostname'], ['ip']];

const ci = (id: string, identifiers: CiIdentifiers): IdentificationCandidate => ({ id, identifiers });

describe('identification', () => {
  describe('lookups', () => {
    it('makes one lookup per identifier set the row has every identifier of, in the class order', () => {
      const lookups = identificationLookups(SERVER_RULES, { hostname: 'db-01', serial: 'SN-1', ip: '10.0.0.1' });
      expect(lookups.map((lookup) => lookup.keys)).toEqual([['serial'], ['hostname'], ['ip']]);
      expect(lookups[1]).toEqual({ keys: ['hostname'], match: { hostname: 'db-01' }, stronger: { serial: 'SN-1' } });
    });

    it('skips a set of several identifiers when the row lacks one of them', () => {
      const rules: CiIdentifierKey[][] = [['hostname', 'fqdn'], ['ip']];
      expect(identificationLookups(rules, { hostname: 'web-1', ip: '10.0.0.9' }).map((lookup) => lookup.keys)).toEqual([['ip']]);
      expect(identificationLookups(rules, { hostname: 'web-1', fqdn: 'web-1.example.com' })[0]?.match).toEqual({ hostname: 'web-1', fqdn: 'web-1.example.com' });
    });

    it('makes no lookup for a row without identifiers the class uses', () => {
      expect(identificationLookups([['cloudId']], { hostname: 'x' })).toEqual([]);
    });
  });

  describe('decision', () => {
    it('matches on serial before hostname, as the server class orders them', () => {
      const cis = [ci('by-hostname', { hostname: 'db-01' }), ci('by-serial', { serial: 'SN-1', hostname: 'db-old' })];
      expect(identifyAmong(identificationLookups(SERVER_RULES, { serial: 'SN-1', hostname: 'db-01' }), cis)).toEqual({ outcome: 'match', ciId: 'by-serial', keys: ['serial'] });
    });

    it('falls back to a weaker set when the stronger one finds nothing', () => {
      const cis = [ci('manual', { hostname: 'db-01' })];
      expect(identifyAmong(identificationLookups(SERVER_RULES, { serial: 'SN-1', hostname: 'db-01' }), cis)).toEqual({ outcome: 'match', ciId: 'manual', keys: ['hostname'] });
    });

    it('does not match a CI whose stronger identifier differs (a rebuilt node keeping its hostname)', () => {
      const cis = [ci('old-node', { k8sUid: 'uid-old', hostname: 'node-1' })];
      expect(identifyAmong(identificationLookups(SERVER_RULES, { k8sUid: 'uid-new', hostname: 'node-1' }), cis)).toEqual({ outcome: 'create' });
    });

    it('reports a conflict with every candidate when one set finds several CIs', () => {
      const cis = [ci('b', { hostname: 'db-01' }), ci('a', { hostname: 'db-01', ip: '10.0.0.1' })];
      expect(identifyAmong(identificationLookups(SERVER_RULES, { hostname: 'db-01' }), cis)).toEqual({ outcome: 'conflict', candidates: ['a', 'b'], keys: ['hostname'] });
    });

    it('creates when no lookup finds a CI', async () => {
      await expect(identify(identificationLookups(SERVER_RULES, { hostname: 'new' }), () => [])).resolves.toEqual({ outcome: 'create' });
    });

    it('stops at the first lookup that decides and does not make the others', async () => {
      const made: string[][] = [];
      const lookups = identificationLookups(SERVER_RULES, { serial: 'SN-1', hostname: 'db-01' });
      await identify(lookups, (lookup) => {
        made.push(lookup.keys);
        return [ci('x', lookup.match)];
      });
      expect(made).toEqual([['serial']]);
    });

    it('counts a CI found twice once', () => {
      const [lookup] = identificationLookups(SERVER_RULES, { hostname: 'h' });
      expect(lookup && decideLookup(lookup, [ci('a', { hostname: 'h' }), ci('a', { hostname: 'h' })])).toMatchObject({ outcome: 'match', ciId: 'a' });
    });
  });

  describe('properties', () => {
    const value = fc.constantFrom('a', 'b', 'c');
    const identifiers = fc.record(Object.fromEntries(CI_IDENTIFIER_KEYS.map((key) => [key, value])) as Record<CiIdentifierKey, fc.Arbitrary<string>>, { requiredKeys: [] }) as fc.Arbitrary<CiIdentifiers>;
    const rules = fc.array(fc.uniqueArray(fc.constantFrom(...CI_IDENTIFIER_KEYS), { minLength: 1, maxLength: 2 }), { minLength: 1, maxLength: 4 });
    const cis = fc.array(identifiers, { maxLength: 6 }).map((list) => list.map((ids, i) => ci(`ci-${i}`, ids)));

    it('a match names a CI that holds every identifier of the deciding set with the row values', () => {
      fc.assert(
        fc.property(rules, identifiers, cis, (classRules, row, existing) => {
          const decision = identifyAmong(identificationLookups(classRules, row), existing);
          if (decision.outcome !== 'match') return;
          const found = existing.find((c) => c.id === decision.ciId);
          for (const key of decision.keys) expect(found?.identifiers[key]).toBe(row[key]);
        }),
      );
    });

    it('a CI created from a row is found again by the same row', () => {
      fc.assert(
        fc.property(rules, identifiers, cis, (classRules, row, existing) => {
          const lookups = identificationLookups(classRules, row);
          if (lookups.length === 0 || identifyAmong(lookups, existing).outcome !== 'create') return;
          const after = identifyAmong(lookups, [...existing, ci('new', row)]);
          expect(after).toMatchObject({ outcome: 'match', ciId: 'new' });
        }),
      );
    });

    it('every lookup only uses identifiers the row has', () => {
      fc.assert(
        fc.property(rules, identifiers, (classRules, row) => {
          for (const lookup of identificationLookups(classRules, row)) for (const key of lookup.keys) expect(lookup.match[key]).toBe(row[key]);
        }),
      );
    });
  });
});

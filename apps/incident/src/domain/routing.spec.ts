import fc from 'fast-check';
import { Priority, type RoutingConditions } from '@itsm/contracts';
import { matchesConditions, type RoutableIncident, routeIncident, type RoutingRuleLike } from './routing';

const SERVICE_MAIL = '3f1c0a52-7d0e-4d8e-bb0f-6a1f4c2e9a10';
const SERVICE_VPN = '9b2e4f61-1a3c-4e5d-8f7a-2c3d4e5f6a7b';
const CI_SWITCH = 'c1a2b3c4-d5e6-4f70-8192-a3b4c5d6e7f8';
const CI_ROUTER = 'c9f8e7d6-c5b4-4a39-8281-706f5e4d3c2b';

function buildIncident(overrides: Partial<RoutableIncident> = {}): RoutableIncident {
  return {
    title: 'Cannot connect to the VPN',
    description: 'The client times out since this morning.',
    category: 'Network',
    subcategory: 'VPN',
    serviceId: SERVICE_VPN,
    ciIds: [CI_SWITCH],
    priority: Priority.P3,
    ...overrides,
  };
}

let ruleCounter = 0;
function buildRule(overrides: Partial<RoutingRuleLike> = {}): RoutingRuleLike {
  ruleCounter += 1;
  return {
    id: `rule-${String(ruleCounter).padStart(4, '0')}`,
    position: ruleCounter * 10,
    enabled: true,
    conditions: {},
    assignmentGroup: `group-${ruleCounter}`,
    ...overrides,
  };
}

const matches = (conditions: RoutingConditions, incident: Partial<RoutableIncident> = {}): boolean => matchesConditions(conditions, buildIncident(incident));

describe('routing', () => {
  describe('choosing a rule', () => {
    it('takes the first enabled matching rule by position, not by list order', () => {
      const late = buildRule({ position: 20, assignmentGroup: 'late' });
      const early = buildRule({ position: 10, assignmentGroup: 'early' });
      expect(routeIncident([late, early], buildIncident())?.assignmentGroup).toBe('early');
    });

    it('skips a rule that does not match and takes the next one', () => {
      const hardware = buildRule({ position: 1, conditions: { categories: ['Hardware'] } });
      const network = buildRule({ position: 2, conditions: { categories: ['Network'] } });
      expect(routeIncident([hardware, network], buildIncident())).toBe(network);
    });

    it('skips disabled rules even when they match and come first', () => {
      const disabled = buildRule({ position: 1, enabled: false });
      const enabled = buildRule({ position: 2 });
      expect(routeIncident([disabled, enabled], buildIncident())).toBe(enabled);
    });

    it('routes nowhere when only disabled rules match', () => {
      expect(routeIncident([buildRule({ enabled: false })], buildIncident())).toBeUndefined();
    });

    it('routes nowhere when no rule matches or there are no rules', () => {
      expect(routeIncident([buildRule({ conditions: { priorities: [Priority.P1] } })], buildIncident())).toBeUndefined();
      expect(routeIncident([], buildIncident())).toBeUndefined();
    });

    it('breaks a tie of positions by id', () => {
      const b = buildRule({ id: 'b', position: 5 });
      const a = buildRule({ id: 'a', position: 5 });
      expect(routeIncident([b, a], buildIncident())).toBe(a);
    });

    it('does not reorder the rules it is given', () => {
      const rules = [buildRule({ position: 2 }), buildRule({ position: 1 })];
      const copy = [...rules];
      routeIncident(rules, buildIncident());
      expect(rules).toEqual(copy);
    });
  });

  describe('conditions', () => {
    it('matches everything when no condition is given', () => {
      expect(matches({})).toBe(true);
      expect(matches({}, { category: null, subcategory: null, serviceId: null, ciIds: [], description: null })).toBe(true);
    });

    it('treats an empty list as no condition', () => {
      expect(matches({ categories: [], subcategories: [], serviceIds: [], ciIds: [], priorities: [], keywords: [] }, { category: null, ciIds: [] })).toBe(true);
    });

    it('matches the category against the list, ignoring case', () => {
      expect(matches({ categories: ['Hardware', 'network'] })).toBe(true);
      expect(matches({ categories: ['Hardware'] })).toBe(false);
    });

    it('does not match a category condition when the incident has no category', () => {
      expect(matches({ categories: ['Network'] }, { category: null })).toBe(false);
    });

    it('matches subcategories ignoring case', () => {
      expect(matches({ subcategories: ['vpn'] })).toBe(true);
      expect(matches({ subcategories: ['VPN'] }, { subcategory: 'vpn' })).toBe(true);
      expect(matches({ subcategories: ['wifi'] })).toBe(false);
      expect(matches({ subcategories: ['vpn'] }, { subcategory: null })).toBe(false);
    });

    it('still tells accented letters apart', () => {
      expect(matches({ categories: ['Réseau'] }, { category: 'reseau' })).toBe(false);
      expect(matches({ categories: ['Réseau'] }, { category: 'RÉSEAU' })).toBe(true);
    });

    it('matches the affected service', () => {
      expect(matches({ serviceIds: [SERVICE_MAIL, SERVICE_VPN] })).toBe(true);
      expect(matches({ serviceIds: [SERVICE_MAIL] })).toBe(false);
      expect(matches({ serviceIds: [SERVICE_VPN] }, { serviceId: null })).toBe(false);
    });

    it('matches when any affected CI is one of the listed ones', () => {
      expect(matches({ ciIds: [CI_ROUTER, CI_SWITCH] }, { ciIds: [CI_SWITCH] })).toBe(true);
      expect(matches({ ciIds: [CI_ROUTER] }, { ciIds: [CI_SWITCH, CI_ROUTER] })).toBe(true);
      expect(matches({ ciIds: [CI_ROUTER] }, { ciIds: [CI_SWITCH] })).toBe(false);
      expect(matches({ ciIds: [CI_ROUTER] }, { ciIds: [] })).toBe(false);
    });

    it('matches the priority', () => {
      expect(matches({ priorities: [Priority.P2, Priority.P3] })).toBe(true);
      expect(matches({ priorities: [Priority.P1] })).toBe(false);
    });

    describe('keywords', () => {
      it('finds a keyword in the title', () => {
        expect(matches({ keywords: ['vpn'] }, { description: null })).toBe(true);
      });

      it('finds a keyword in the description', () => {
        expect(matches({ keywords: ['morning'] })).toBe(true);
      });

      it('ignores case on both sides', () => {
        expect(matches({ keywords: ['TIMES OUT'] })).toBe(true);
      });

      it('needs any one of the keywords, not all', () => {
        expect(matches({ keywords: ['printer', 'client'] })).toBe(true);
        expect(matches({ keywords: ['printer', 'scanner'] })).toBe(false);
      });

      it('matches whole words only', () => {
        expect(matches({ keywords: ['net'] }, { title: 'Network down', description: 'Internet unreachable' })).toBe(false);
        expect(matches({ keywords: ['work'] }, { title: 'Network down', description: null })).toBe(false);
        expect(matches({ keywords: ['down'] }, { title: 'Network down', description: null })).toBe(true);
      });

      it('finds a word next to punctuation', () => {
        expect(matches({ keywords: ['vpn'] }, { title: 'Error: VPN, again!', description: null })).toBe(true);
        expect(matches({ keywords: ['outlook'] }, { title: '(Outlook)', description: null })).toBe(true);
      });

      it('matches a keyword of several words in sequence', () => {
        expect(matches({ keywords: ['disk full'] }, { title: 'Server says: disk full', description: null })).toBe(true);
        expect(matches({ keywords: ['disk full'] }, { title: 'Disk   FULL on db-1', description: null })).toBe(true);
        expect(matches({ keywords: ['disk full'] }, { title: 'Full disk on db-1', description: null })).toBe(false);
        expect(matches({ keywords: ['disk full'] }, { title: 'Disk almost full', description: null })).toBe(false);
      });

      it('matches a keyword of several words inside the description', () => {
        expect(matches({ keywords: ['blue screen'] }, { title: 'Laptop crash', description: 'Got a blue screen twice.' })).toBe(true);
      });

      it('treats letters and digits of any script as parts of a word', () => {
        expect(matches({ keywords: ['größe'] }, { title: 'Falsche Größe im Formular', description: null })).toBe(true);
        expect(matches({ keywords: ['ipv6'] }, { title: 'No IPv6 route', description: null })).toBe(true);
        expect(matches({ keywords: ['ipv'] }, { title: 'No IPv6 route', description: null })).toBe(false);
      });

      it('never matches a keyword made only of separators', () => {
        expect(matches({ keywords: ['--'] }, { title: 'a -- b', description: null })).toBe(false);
      });
    });

    it('needs every given condition to hold', () => {
      const conditions: RoutingConditions = { categories: ['network'], priorities: [Priority.P3], keywords: ['vpn'] };
      expect(matches(conditions)).toBe(true);
      expect(matches(conditions, { category: 'Hardware' })).toBe(false);
      expect(matches(conditions, { priority: Priority.P1 })).toBe(false);
      expect(matches(conditions, { title: 'Cannot connect', description: null })).toBe(false);
    });
  });

  describe('invariants', () => {
    const WORDS = ['vpn', 'disk', 'full', 'printer', 'mail', 'outage'];
    const CATEGORIES = ['Network', 'Hardware', 'Software'];
    const CIS = [CI_SWITCH, CI_ROUTER];
    const priorityArb = fc.constantFrom(...Object.values(Priority));

    const incidentArb: fc.Arbitrary<RoutableIncident> = fc.record({
      title: fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 4 }).map((words) => words.join(' ')),
      description: fc.option(
        fc.array(fc.constantFrom(...WORDS), { maxLength: 4 }).map((words) => words.join(', ')),
        { nil: null },
      ),
      category: fc.option(fc.constantFrom(...CATEGORIES), { nil: null }),
      subcategory: fc.option(fc.constantFrom('VPN', 'Laptop'), { nil: null }),
      serviceId: fc.option(fc.constantFrom(SERVICE_MAIL, SERVICE_VPN), { nil: null }),
      ciIds: fc.subarray(CIS),
      priority: priorityArb,
    });
    const conditionsArb: fc.Arbitrary<RoutingConditions> = fc.record(
      {
        categories: fc.subarray(CATEGORIES.map((c) => c.toLowerCase())),
        subcategories: fc.subarray(['vpn', 'LAPTOP']),
        serviceIds: fc.subarray([SERVICE_MAIL, SERVICE_VPN]),
        ciIds: fc.subarray(CIS),
        priorities: fc.subarray(Object.values(Priority)),
        keywords: fc.subarray([...WORDS, 'disk full', 'mail outage']),
      },
      { requiredKeys: [] },
    );
    const rulesArb = fc.uniqueArray(
      fc.record({
        id: fc.string({ minLength: 1, maxLength: 6 }),
        position: fc.nat({ max: 20 }),
        enabled: fc.boolean(),
        conditions: conditionsArb,
        assignmentGroup: fc.constantFrom('network-ops', 'desk', 'dba'),
      }),
      { selector: (rule) => rule.id, maxLength: 8 },
    );

    it('only ever chooses an enabled rule that matches', () => {
      fc.assert(
        fc.property(rulesArb, incidentArb, (rules, incident) => {
          const chosen = routeIncident(rules, incident);
          if (chosen) {
            expect(chosen.enabled).toBe(true);
            expect(matchesConditions(chosen.conditions, incident)).toBe(true);
          } else {
            expect(rules.some((rule) => rule.enabled && matchesConditions(rule.conditions, incident))).toBe(false);
          }
        }),
      );
    });

    it('never passes over a matching enabled rule with a smaller position', () => {
      fc.assert(
        fc.property(rulesArb, incidentArb, (rules, incident) => {
          const chosen = routeIncident(rules, incident);
          fc.pre(chosen !== undefined);
          const earlier = rules.filter((rule) => rule.enabled && rule.position < (chosen?.position ?? 0) && matchesConditions(rule.conditions, incident));
          expect(earlier).toEqual([]);
        }),
      );
    });

    it('chooses the same rule whatever the order the rules come in', () => {
      fc.assert(
        fc.property(
          rulesArb.chain((rules) => fc.tuple(fc.constant(rules), fc.shuffledSubarray(rules, { minLength: rules.length, maxLength: rules.length }))),
          incidentArb,
          ([rules, shuffled], incident) => {
            expect(routeIncident(shuffled, incident)).toBe(routeIncident(rules, incident));
          },
        ),
      );
    });

    it('matches everything with empty conditions', () => {
      fc.assert(fc.property(incidentArb, (incident) => expect(matchesConditions({}, incident)).toBe(true)));
    });

    it('finds any word of the title as a keyword, whatever its case', () => {
      fc.assert(
        fc.property(incidentArb, fc.nat(), (incident, pick) => {
          const words = incident.title.split(' ');
          const word = words[pick % words.length] ?? '';
          expect(matchesConditions({ keywords: [word.toUpperCase()] }, incident)).toBe(true);
        }),
      );
    });
  });
});

describe('keywords across fields', () => {
  it('does not match a multi-word keyword split between title and description', () => {
    expect(matches({ keywords: ['disk full'] }, { title: 'Backup disk', description: 'Full log attached' })).toBe(false);
    expect(matches({ keywords: ['disk full'] }, { title: 'Backup', description: 'the disk full again' })).toBe(true);
  });
});

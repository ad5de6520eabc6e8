import fc from 'fast-check';
import { Priority, priorityRank, SLA_METRICS } from '@itsm/contracts';
import { decideEscalation, DEFAULT_ESCALATION_RULES, escalationChange, escalationRecord, type EscalationRule, type EscalationTrigger, parseEscalationRules } from './escalation';

type EscalatedIncident = Parameters<typeof decideEscalation>[2];

function buildIncident(overrides: Partial<EscalatedIncident> = {}): EscalatedIncident {
  return { priority: Priority.P3, assignmentGroup: 'service-desk', ...overrides };
}

function warning(thresholdPercent: number | undefined, overrides: Partial<EscalationTrigger> = {}): EscalationTrigger {
  return { on: 'warning', metric: 'resolution', thresholdPercent, ...overrides };
}

function breach(overrides: Partial<EscalationTrigger> = {}): EscalationTrigger {
  return { on: 'breached', metric: 'resolution', ...overrides };
}

describe('escalation', () => {
  describe('with the default rules', () => {
    it('does nothing for a warning below 75 %', () => {
      expect(decideEscalation(DEFAULT_ESCALATION_RULES, warning(50), buildIncident())).toBeUndefined();
      expect(decideEscalation(DEFAULT_ESCALATION_RULES, warning(74), buildIncident())).toBeUndefined();
    });

    it('notifies the managers from a 75 % warning on, without touching the priority', () => {
      expect(decideEscalation(DEFAULT_ESCALATION_RULES, warning(75), buildIncident())).toEqual({ rule: 0, notifyManager: true });
      expect(decideEscalation(DEFAULT_ESCALATION_RULES, warning(90, { metric: 'response' }), buildIncident())).toEqual({ rule: 0, notifyManager: true });
    });

    it('treats a warning without a threshold as a full one', () => {
      expect(decideEscalation(DEFAULT_ESCALATION_RULES, warning(undefined), buildIncident())).toEqual({ rule: 0, notifyManager: true });
    });

    it('raises the priority one level on a breach and notifies', () => {
      expect(decideEscalation(DEFAULT_ESCALATION_RULES, breach(), buildIncident({ priority: Priority.P3 }))).toEqual({ rule: 1, priority: Priority.P2, notifyManager: true });
      expect(decideEscalation(DEFAULT_ESCALATION_RULES, breach(), buildIncident({ priority: Priority.P5 }))).toEqual({ rule: 1, priority: Priority.P4, notifyManager: true });
    });

    it('keeps a P1 at P1 on a breach but still notifies', () => {
      expect(decideEscalation(DEFAULT_ESCALATION_RULES, breach(), buildIncident({ priority: Priority.P1 }))).toEqual({ rule: 1, notifyManager: true });
    });

    it('never reassigns', () => {
      expect(decideEscalation(DEFAULT_ESCALATION_RULES, breach(), buildIncident())?.assignmentGroup).toBeUndefined();
    });
  });

  describe('filters of a rule', () => {
    const responseOnly: EscalationRule[] = [{ on: 'breached', metric: 'response', notifyManager: true }];

    it('applies a metric rule only to that metric', () => {
      expect(decideEscalation(responseOnly, breach({ metric: 'response' }), buildIncident())).toEqual({ rule: 0, notifyManager: true });
      expect(decideEscalation(responseOnly, breach({ metric: 'resolution' }), buildIncident())).toBeUndefined();
    });

    it('applies a rule without a metric to both metrics', () => {
      const rules: EscalationRule[] = [{ on: 'breached', notifyManager: true }];
      for (const metric of SLA_METRICS) expect(decideEscalation(rules, breach({ metric }), buildIncident())).toEqual({ rule: 0, notifyManager: true });
    });

    it('applies a rule only to the listed priorities', () => {
      const rules: EscalationRule[] = [{ on: 'breached', priorities: [Priority.P1, Priority.P2], reassignTo: 'major-incidents' }];
      expect(decideEscalation(rules, breach(), buildIncident({ priority: Priority.P2 }))).toEqual({ rule: 0, assignmentGroup: 'major-incidents', notifyManager: false });
      expect(decideEscalation(rules, breach(), buildIncident({ priority: Priority.P3 }))).toBeUndefined();
    });

    it('applies a rule only to its kind of trigger', () => {
      const rules: EscalationRule[] = [{ on: 'warning', notifyManager: true }];
      expect(decideEscalation(rules, breach(), buildIncident())).toBeUndefined();
    });

    it('hands the incident to the escalation group', () => {
      const rules: EscalationRule[] = [{ on: 'breached', reassignTo: 'second-level' }];
      expect(decideEscalation(rules, breach(), buildIncident({ assignmentGroup: null }))).toEqual({ rule: 0, assignmentGroup: 'second-level', notifyManager: false });
    });

    it('does not reassign to the group the incident already has', () => {
      const rules: EscalationRule[] = [{ on: 'breached', reassignTo: 'second-level', notifyManager: true }];
      expect(decideEscalation(rules, breach(), buildIncident({ assignmentGroup: 'second-level' }))).toEqual({ rule: 0, notifyManager: true });
    });

    it('decides nothing when the only change would be a reassignment to the current group', () => {
      const rules: EscalationRule[] = [{ on: 'breached', reassignTo: 'second-level' }];
      expect(decideEscalation(rules, breach(), buildIncident({ assignmentGroup: 'second-level' }))).toBeUndefined();
    });

    it('decides nothing for a rule that neither raises, reassigns nor notifies', () => {
      expect(decideEscalation([{ on: 'breached' }], breach(), buildIncident())).toBeUndefined();
      expect(decideEscalation([{ on: 'breached', raisePriorityBy: 0, notifyManager: false }], breach(), buildIncident())).toBeUndefined();
    });

    it('raises by several levels but never beyond P1', () => {
      const rules: EscalationRule[] = [{ on: 'breached', raisePriorityBy: 2 }];
      expect(decideEscalation(rules, breach(), buildIncident({ priority: Priority.P4 }))?.priority).toBe(Priority.P2);
      expect(decideEscalation(rules, breach(), buildIncident({ priority: Priority.P2 }))?.priority).toBe(Priority.P1);
    });
  });

  describe('rule order', () => {
    it('applies the first matching rule and says which one it was', () => {
      const rules: EscalationRule[] = [
        { on: 'breached', priorities: [Priority.P1], reassignTo: 'major-incidents' },
        { on: 'breached', metric: 'response', raisePriorityBy: 2 },
        { on: 'breached', raisePriorityBy: 1, notifyManager: true },
      ];
      expect(decideEscalation(rules, breach({ metric: 'response' }), buildIncident({ priority: Priority.P4 }))).toEqual({ rule: 1, priority: Priority.P2, notifyManager: false });
      expect(decideEscalation(rules, breach({ metric: 'resolution' }), buildIncident({ priority: Priority.P4 }))).toEqual({ rule: 2, priority: Priority.P3, notifyManager: true });
    });

    it('picks the higher threshold rule when it comes first', () => {
      const rules: EscalationRule[] = [
        { on: 'warning', minThresholdPercent: 90, reassignTo: 'second-level' },
        { on: 'warning', minThresholdPercent: 50, notifyManager: true },
      ];
      expect(decideEscalation(rules, warning(95), buildIncident())).toEqual({ rule: 0, assignmentGroup: 'second-level', notifyManager: false });
      expect(decideEscalation(rules, warning(60), buildIncident())).toEqual({ rule: 1, notifyManager: true });
      expect(decideEscalation(rules, warning(40), buildIncident())).toBeUndefined();
    });

    it('stops at the first matching rule even when that rule changes nothing', () => {
      const rules: EscalationRule[] = [{ on: 'breached', reassignTo: 'service-desk' }, { on: 'breached', notifyManager: true }];
      expect(decideEscalation(rules, breach(), buildIncident({ assignmentGroup: 'service-desk' }))).toBeUndefined();
    });
  });

  describe('parsing the configured rules', () => {
    it('reads a valid list of rules as given', () => {
      const rules = [
        { on: 'warning', metric: 'response', minThresholdPercent: 80, priorities: ['P1', 'P2'], notifyManager: true },
        { on: 'breached', raisePriorityBy: 1, reassignTo: 'major-incidents', notifyManager: false },
      ];
      expect(parseEscalationRules(JSON.stringify(rules))).toEqual(rules);
    });

    it('reads an empty list', () => {
      expect(parseEscalationRules('[]')).toEqual([]);
    });

    it('reads the default rules back from their JSON', () => {
      expect(parseEscalationRules(JSON.stringify(DEFAULT_ESCALATION_RULES))).toEqual(DEFAULT_ESCALATION_RULES);
    });

    it('accepts the bounds of the ranges', () => {
      expect(() => parseEscalationRules('[{"on":"warning","minThresholdPercent":1},{"on":"warning","minThresholdPercent":100}]')).not.toThrow();
      expect(() => parseEscalationRules('[{"on":"breached","raisePriorityBy":0},{"on":"breached","raisePriorityBy":4}]')).not.toThrow();
    });

    it.each(['not json', '{"on":', ''])('refuses text that is not JSON: %p', (json) => {
      expect(() => parseEscalationRules(json)).toThrow('must be a JSON array of escalation rules');
    });

    it.each(['{"on":"warning"}', '"warning"', '42', 'null'])('refuses JSON that is not an array: %s', (json) => {
      expect(() => parseEscalationRules(json)).toThrow('must be a JSON array of escalation rules');
    });

    it.each([
      ['[{"on":"warning"}, 3]', 'rule 1 must be an object'],
      ['[null]', 'rule 0 must be an object'],
      ['[{"on":"warning","level":2,"email":"x"}]', 'rule 0 has unknown fields: level, email'],
      ['[{"on":"warning"},{"on":"overdue"}]', 'rule 1: on must be warning or breached'],
      ['[{}]', 'rule 0: on must be warning or breached'],
      ['[{"on":"breached","metric":"pickup"}]', 'rule 0: metric must be response or resolution'],
      ['[{"on":"breached","metric":null}]', 'rule 0: metric must be response or resolution'],
      ['[{"on":"warning","minThresholdPercent":0}]', 'rule 0: minThresholdPercent must be 1..100'],
      ['[{"on":"warning","minThresholdPercent":101}]', 'rule 0: minThresholdPercent must be 1..100'],
      ['[{"on":"warning","minThresholdPercent":75.5}]', 'rule 0: minThresholdPercent must be 1..100'],
      ['[{"on":"warning","minThresholdPercent":"75"}]', 'rule 0: minThresholdPercent must be 1..100'],
      ['[{"on":"breached","raisePriorityBy":5}]', 'rule 0: raisePriorityBy must be 0..4'],
      ['[{"on":"breached","raisePriorityBy":-1}]', 'rule 0: raisePriorityBy must be 0..4'],
      ['[{"on":"breached","priorities":"P1"}]', 'rule 0: priorities must be a list of P1..P5'],
      ['[{"on":"breached","priorities":["P1","P6"]}]', 'rule 0: priorities must be a list of P1..P5'],
      ['[{"on":"breached","priorities":["p1"]}]', 'rule 0: priorities must be a list of P1..P5'],
      ['[{"on":"breached","priorities":[1]}]', 'rule 0: priorities must be a list of P1..P5'],
      ['[{"on":"breached","reassignTo":""}]', 'rule 0: reassignTo must be a group name'],
      ['[{"on":"breached","reassignTo":7}]', 'rule 0: reassignTo must be a group name'],
      ['[{"on":"breached","notifyManager":"yes"}]', 'rule 0: notifyManager must be true or false'],
    ])('refuses %s, naming the rule and the problem', (json, message) => {
      expect(() => parseEscalationRules(json)).toThrow(message);
    });

    it('names the index of the first bad rule in a longer list', () => {
      const json = JSON.stringify([{ on: 'warning' }, { on: 'breached' }, { on: 'breached', raisePriorityBy: 9 }]);
      expect(() => parseEscalationRules(json)).toThrow('rule 2: raisePriorityBy must be 0..4');
    });
  });

  describe('invariants', () => {
    const priorityArb = fc.constantFrom(...Object.values(Priority));
    const ruleArb: fc.Arbitrary<EscalationRule> = fc.record(
      {
        on: fc.constantFrom('warning' as const, 'breached' as const),
        metric: fc.constantFrom(...SLA_METRICS),
        minThresholdPercent: fc.integer({ min: 1, max: 100 }),
        priorities: fc.subarray(Object.values(Priority)),
        raisePriorityBy: fc.integer({ min: 0, max: 4 }),
        reassignTo: fc.constantFrom('service-desk', 'second-level', 'major-incidents'),
        notifyManager: fc.boolean(),
      },
      { requiredKeys: ['on'] },
    );
    const triggerArb: fc.Arbitrary<EscalationTrigger> = fc.record(
      { on: fc.constantFrom('warning' as const, 'breached' as const), metric: fc.constantFrom(...SLA_METRICS), thresholdPercent: fc.integer({ min: 1, max: 100 }) },
      { requiredKeys: ['on', 'metric'] },
    );
    const incidentArb = fc.record({ priority: priorityArb, assignmentGroup: fc.option(fc.constantFrom('service-desk', 'second-level'), { nil: null }) });

    it('never decides a less urgent priority than the incident has', () => {
      fc.assert(
        fc.property(fc.array(ruleArb, { maxLength: 5 }), triggerArb, incidentArb, (rules, trigger, incident) => {
          const decision = decideEscalation(rules, trigger, incident);
          if (decision?.priority !== undefined) expect(priorityRank(decision.priority)).toBeLessThan(priorityRank(incident.priority));
        }),
      );
    });

    it('only decides something that changes the incident or notifies', () => {
      fc.assert(
        fc.property(fc.array(ruleArb, { maxLength: 5 }), triggerArb, incidentArb, (rules, trigger, incident) => {
          const decision = decideEscalation(rules, trigger, incident);
          if (decision) {
            expect(decision.priority !== undefined || decision.notifyManager || decision.assignmentGroup !== undefined).toBe(true);
            if (decision.assignmentGroup !== undefined) expect(decision.assignmentGroup).not.toBe(incident.assignmentGroup);
            expect(rules[decision.rule]).toBeDefined();
          }
        }),
      );
    });

    it('reads back every valid rule list it is given as JSON', () => {
      fc.assert(
        fc.property(fc.array(ruleArb, { maxLength: 5 }), (rules) => {
          expect(parseEscalationRules(JSON.stringify(rules))).toEqual(rules);
        }),
      );
    });
  });
});

describe('escalation in the history', () => {
  const CLOCK = '11111111-2222-4333-8444-555555555555';

  it('keeps the trigger, metric, threshold, rule, notification and clock of a warning', () => {
    expect(escalationRecord(warning(90, { metric: 'response' }), { rule: 0, notifyManager: true }, CLOCK)).toEqual({
      trigger: 'warning',
      metric: 'response',
      rule: 0,
      notifyManager: true,
      clockId: CLOCK,
      thresholdPercent: 90,
    });
  });

  it('keeps no threshold for a breach', () => {
    expect(escalationRecord({ ...breach(), thresholdPercent: 100 }, { rule: 1, priority: Priority.P2, notifyManager: false }, CLOCK)).toEqual({
      trigger: 'breached',
      metric: 'resolution',
      rule: 1,
      notifyManager: false,
      clockId: CLOCK,
    });
  });

  it('shows an escalation that only notifies as a change named escalation, without the clock', () => {
    const record = escalationRecord(warning(75), { rule: 0, notifyManager: true }, CLOCK);
    expect(escalationChange(record)).toEqual({ field: 'escalation', from: null, to: { trigger: 'warning', metric: 'resolution', rule: 0, notifyManager: true, thresholdPercent: 75 } });
  });
});

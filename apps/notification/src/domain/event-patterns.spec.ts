import fc from 'fast-check';
import { AllEvents } from '@itsm/contracts';
import { checkEventPattern, parseEventType, patternMatches } from './event-patterns';

const DELIVERED = 'itsm.notification.delivered.v1';
const FAILED = 'itsm.notification.failed.v1';
const SUBSCRIPTION_DISABLED = 'itsm.notification.subscription_disabled.v1';
const OWN_TYPES = [DELIVERED, FAILED, SUBSCRIPTION_DISABLED];

const DECLARED_TYPES: readonly string[] = AllEvents.map((event) => event.type);
const KNOWN_TYPES = [...DECLARED_TYPES, ...OWN_TYPES.filter((type) => !DECLARED_TYPES.includes(type))];

const segment = fc.stringMatching(/^[a-z][a-z0-9_]{0,12}$/).filter((value) => value !== 'itsm');
const eventType = fc.record({ domain: segment, name: segment, version: fc.integer({ min: 1, max: 99 }) });
const typeOf = (event: { domain: string; name: string; version: number }): string => `itsm.${event.domain}.${event.name}.v${event.version}`;

describe('event patterns', () => {
  describe('matching', () => {
    it('takes every event of the other services with *', () => {
      const others = DECLARED_TYPES.filter((type) => !type.startsWith('itsm.notification.'));
      expect(others.length).toBeGreaterThan(20);
      for (const type of others) expect(patternMatches('*', type)).toBe(true);
    });

    it('takes every version of a named event', () => {
      expect(patternMatches('incident.created', 'itsm.incident.created.v1')).toBe(true);
      expect(patternMatches('incident.created', 'itsm.incident.created.v2')).toBe(true);
      expect(patternMatches('sla.breached', 'itsm.sla.breached.v1')).toBe(true);
      expect(patternMatches('incident.request_state_changed', 'itsm.incident.request_state_changed.v1')).toBe(true);
    });

    it('does not take an event of the same name in another domain, or a name that only starts alike', () => {
      expect(patternMatches('sla.created', 'itsm.incident.created.v1')).toBe(false);
      expect(patternMatches('incident.request', 'itsm.incident.request_submitted.v1')).toBe(false);
    });

    it('takes a domain with <domain>.*, and nothing of other domains', () => {
      expect(patternMatches('cmdb.*', 'itsm.cmdb.ci_created.v1')).toBe(true);
      expect(patternMatches('cmdb.*', 'itsm.incident.created.v1')).toBe(false);
    });

    it('takes only the exact version with a full type', () => {
      expect(patternMatches('itsm.incident.created.v1', 'itsm.incident.created.v1')).toBe(true);
      expect(patternMatches('itsm.incident.created.v1', 'itsm.incident.created.v2')).toBe(false);
    });

    it('takes nothing with a malformed pattern or for a malformed type', () => {
      expect(patternMatches('incident', 'itsm.incident.created.v1')).toBe(false);
      expect(patternMatches('incident.*.v1', 'itsm.incident.created.v1')).toBe(false);
      expect(patternMatches('Incident.created', 'itsm.incident.created.v1')).toBe(false);
      expect(patternMatches('*', 'incident.created')).toBe(false);
      expect(patternMatches('*', 'itsm.incident.created.v0')).toBe(false);
    });

    it('reads a full type as domain, name and version', () => {
      expect(parseEventType('itsm.cmdb.ci_created.v12')).toEqual({ domain: 'cmdb', name: 'ci_created', version: 12 });
      expect(parseEventType('itsm.cmdb.ci_created')).toBeNull();
    });

    it('matches a generated type by each of the patterns that describe it', () => {
      fc.assert(
        fc.property(eventType.filter((event) => event.domain !== 'notification'), (event) => {
          const type = typeOf(event);
          return ['*', `${event.domain}.*`, `${event.domain}.${event.name}`, type].every((pattern) => patternMatches(pattern, type));
        }),
      );
    });

    it('never matches a type of another domain or name than the pattern names', () => {
      fc.assert(
        fc.property(eventType, eventType, (wanted, event) => {
          fc.pre(wanted.domain !== event.domain || wanted.name !== event.name);
          const type = typeOf(event);
          return !patternMatches(`${wanted.domain}.${wanted.name}`, type) && !patternMatches(typeOf(wanted), type);
        }),
      );
    });
  });

  describe('loop guard', () => {
    it('never hands the notification service its own events through * or notification.*', () => {
      for (const type of OWN_TYPES) {
        expect(patternMatches('*', type)).toBe(false);
        expect(patternMatches('notification.*', type)).toBe(false);
      }
    });

    it('hands out subscription_disabled to a subscription that names it', () => {
      expect(patternMatches('notification.subscription_disabled', SUBSCRIPTION_DISABLED)).toBe(true);
      expect(patternMatches(SUBSCRIPTION_DISABLED, SUBSCRIPTION_DISABLED)).toBe(true);
      expect(checkEventPattern('notification.subscription_disabled', KNOWN_TYPES)).toBeNull();
    });

    it('never matches delivered or failed, even by name', () => {
      for (const pattern of ['notification.delivered', DELIVERED, 'notification.failed', FAILED]) {
        for (const type of [DELIVERED, FAILED]) expect(patternMatches(pattern, type)).toBe(false);
      }
    });

    it('refuses subscriptions on delivered and failed, saying they would loop', () => {
      for (const pattern of ['notification.delivered', 'notification.failed', DELIVERED, 'itsm.notification.failed.v2']) {
        expect(checkEventPattern(pattern, KNOWN_TYPES)).toMatch(/would loop/);
      }
    });

    it('refuses notification.* as matching nothing, since the own events are all kept from wildcards', () => {
      expect(checkEventPattern('notification.*', KNOWN_TYPES)).toMatch(/matches no event type/);
    });
  });

  describe('checking a pattern', () => {
    it('accepts every form that matches a known type', () => {
      for (const pattern of ['*', 'incident.*', 'incident.created', 'sla.breached', 'incident.request_state_changed', 'itsm.cmdb.ci_created.v1']) {
        expect(checkEventPattern(pattern, KNOWN_TYPES)).toBeNull();
      }
    });

    it('refuses a well-formed pattern that matches no known type', () => {
      expect(checkEventPattern('incident.exploded', KNOWN_TYPES)).toBe('"incident.exploded" matches no event type');
      expect(checkEventPattern('itsm.incident.created.v9', KNOWN_TYPES)).toMatch(/matches no event type/);
      expect(checkEventPattern('problem.*', KNOWN_TYPES.filter((type) => !type.startsWith('itsm.problem.')))).toMatch(/matches no event type/);
      expect(checkEventPattern('*', [])).toMatch(/matches no event type/);
    });

    it('refuses what is not a pattern, naming the accepted forms', () => {
      for (const pattern of ['', ' incident.created', 'incident', 'incident.created.v1', 'itsm.incident', 'INCIDENT.*', '*.created', 'incident.cre*', '**']) {
        expect(checkEventPattern(pattern, KNOWN_TYPES)).toMatch(/is not an event type pattern/);
      }
    });

    it('accepts a pattern exactly when it matches one of the known types', () => {
      const pattern = fc.oneof(
        fc.constantFrom('*', 'incident.*', 'sla.*', 'cmdb.*', 'notification.*', 'notification.subscription_disabled'),
        fc.constantFrom(...KNOWN_TYPES),
        fc.constantFrom(...KNOWN_TYPES).map((type) => type.split('.').slice(1, 3).join('.')),
        fc.string(),
      );
      fc.assert(
        fc.property(pattern, (candidate) => {
          const accepted = checkEventPattern(candidate, KNOWN_TYPES) === null;
          return accepted === KNOWN_TYPES.some((type) => patternMatches(candidate, type));
        }),
      );
    });
  });
});

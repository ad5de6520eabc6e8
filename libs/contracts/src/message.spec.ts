import { ALL_ROLES } from './actor';
import { AllEvents, AllRpc } from './registry';
import { deadLetterSubject, domainEvents, eventSubjectOfType } from './message';

describe('message declarations', () => {
  it('derive event subjects and CloudEvents types from domain, name and version', () => {
    for (const event of AllEvents) {
      expect(event.subject).toBe(`itsm.events.${event.domain}.${event.name}.v${event.version}`);
      expect(event.type).toBe(`itsm.${event.domain}.${event.name}.v${event.version}`);
    }
  });

  it('put every event on the subject its type names, so that a consumer can tell an event routed as another', () => {
    for (const event of AllEvents) expect(eventSubjectOfType(event.type)).toBe(event.subject);
    expect(eventSubjectOfType('itsm.incident.created.v1')).not.toBe(eventSubjectOfType('itsm.incident.closed.v1'));
  });

  it('declare every subject once', () => {
    const subjects = [...AllEvents, ...AllRpc].map((declaration) => declaration.subject);
    expect(new Set(subjects).size).toBe(subjects.length);
  });

  it('build the wildcard of a domain and the dead-letter subject of a consumer', () => {
    expect(domainEvents('incident')).toBe('itsm.events.incident.>');
    expect(deadLetterSubject('notification-event-log')).toBe('itsm.dlq.notification-event-log');
  });

  it('promise no intake the suite does not have: incidents arrive through the API only, whatever channel they record', () => {
    // E-mail, portal and monitoring are values of `channel` that a caller records, not intakes of their own.
    for (const event of AllEvents.filter((declaration) => declaration.domain === 'incident')) expect(event.summary).not.toMatch(/e-?mail|portal|monitoring/i);
  });

  it('name for every RPC operation the roles that may call it, all of them roles of the suite', () => {
    for (const rpc of AllRpc) {
      expect(rpc.roles.length).toBeGreaterThan(0);
      expect(rpc.roles.every((role) => ALL_ROLES.includes(role))).toBe(true);
    }
  });
});

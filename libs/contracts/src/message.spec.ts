import { AllEvents, AllRpc } from './registry';
import { deadLetterSubject, domainEvents } from './message';

describe('message declarations', () => {
  it('derive event subjects and CloudEvents types from domain, name and version', () => {
    for (const event of AllEvents) {
      expect(event.subject).toBe(`itsm.events.${event.domain}.${event.name}.v${event.version}`);
      expect(event.type).toBe(`itsm.${event.domain}.${event.name}.v${event.version}`);
    }
  });

  it('declare every subject once', () => {
    const subjects = [...AllEvents, ...AllRpc].map((declaration) => declaration.subject);
    expect(new Set(subjects).size).toBe(subjects.length);
  });

  it('build the wildcard of a domain and the dead-letter subject of a consumer', () => {
    expect(domainEvents('incident')).toBe('itsm.events.incident.>');
    expect(deadLetterSubject('notification-event-log')).toBe('itsm.dlq.notification-event-log');
  });
});

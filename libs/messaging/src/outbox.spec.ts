import { factEventId } from './outbox';

const CLOCK = '0b9f7c1e-6d1a-4e7b-9a57-3c1f2d4e5a6b';

describe('fact event ids', () => {
  it('gives one fact the same UUID every time', () => {
    expect(factEventId('itsm/sla', CLOCK, 'history', 0)).toBe(factEventId('itsm/sla', CLOCK, 'history', 0));
    expect(factEventId('itsm/sla', CLOCK, 'history', 0)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('gives different facts different ids, however their parts would join', () => {
    const ids = [
      factEventId('itsm/sla', CLOCK, 'history', 0),
      factEventId('itsm/sla', CLOCK, 'history', 1),
      factEventId('itsm/sla', CLOCK, 'history', '0'),
      factEventId('itsm/sla', `${CLOCK}:history`, 0),
      factEventId('itsm/sla', CLOCK, 'history', 0, 'corrected', 'retracted'),
      factEventId('itsm/incident', CLOCK, 'history', 0),
    ];
    expect(new Set(ids).size).toBe(ids.length);
  });
});

import { CreateIncidentDto, Impact, Urgency } from './incident';
import { validatePayload } from './validation';

describe('validatePayload', () => {
  it('accepts a payload that follows the declared class', async () => {
    await expect(validatePayload(CreateIncidentDto, { title: 'Laptop will not boot', impact: Impact.Low, urgency: Urgency.High })).resolves.toMatchObject({ ok: true });
  });

  it('names every wrong, missing and unknown field', async () => {
    const result = await validatePayload(CreateIncidentDto, { title: 'ok title', impact: 'catastrophic', extra: 1 });
    expect(result.ok).toBe(false);
    const fields = result.ok ? [] : result.errors.map((error) => error.field).sort();
    expect(fields).toEqual(['extra', 'impact', 'urgency']);
  });

  it('refuses something that is not an object', async () => {
    for (const value of [null, 'text', 42, [1, 2]]) {
      await expect(validatePayload(CreateIncidentDto, value)).resolves.toEqual({ ok: false, errors: [{ field: '', message: 'payload must be a JSON object' }] });
    }
  });
});

import { CreateCiDto } from './cmdb';
import { CreateIncidentDto, Impact, Urgency } from './incident';
import { closestName, editDistance, validatePayload } from './validation';

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

describe('one message per field', () => {
  it('says a missing field is required, whatever its other rules', async () => {
    const result = await validatePayload(CreateCiDto, { className: 'database', name: 'payroll-db', attributes: {} });

    expect(result).toEqual({ ok: false, errors: [{ field: 'environment', message: 'environment is required' }] });
  });

  it('says only the type rule of a value of the wrong kind', async () => {
    const result = await validatePayload(CreateIncidentDto, { title: 42, impact: Impact.Low, urgency: Urgency.High });

    expect(result).toEqual({ ok: false, errors: [{ field: 'title', message: 'title must be a string' }] });
  });

  it('says the first rule the class declares when the kind is right', async () => {
    const result = await validatePayload(CreateCiDto, { className: 'database', name: '', environment: 'prod', attributes: {} });

    expect(result).toEqual({ ok: false, errors: [{ field: 'name', message: 'name must be longer than or equal to 1 characters' }] });
  });

  it('names the declared field an unknown one most likely meant, and none when nothing is close', async () => {
    const result = await validatePayload(CreateIncidentDto, { titel: 'VPN is down', impact: Impact.Low, urgency: Urgency.High, priority: 1 });

    expect(result.ok ? [] : result.errors.filter((error) => error.field !== 'title')).toEqual([
      { field: 'titel', message: 'titel is not a field of this message; did you mean title?' },
      { field: 'priority', message: 'priority is not a field of this message' },
    ]);
  });
});

describe('closestName', () => {
  const filters = ['state', 'priority', 'assignmentGroup', 'assigneeId', 'callerId', 'ciId', 'createdFrom', 'limit', 'cursor'];

  it.each([
    ['assignee', 'assigneeId'],
    ['limt', 'limit'],
    ['cusror', 'cursor'],
    ['Priority', 'priority'],
    ['createdfrom', 'createdFrom'],
    ['states', 'state'],
  ])('takes %s for %s', (unknown, meant) => {
    expect(closestName(unknown, filters)).toBe(meant);
  });

  it.each(['owner', 'id', 'q', 'sortBy'])('suggests nothing for %s', (unknown) => {
    expect(closestName(unknown, filters)).toBeUndefined();
  });

  it('counts a swap of two neighbours as one edit', () => {
    expect(editDistance('titel', 'title')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });
});

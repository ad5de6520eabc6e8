import { loadConfig } from '@itsm/observability';
import { ChangeConfig } from './config';

describe('change service configuration', () => {
  it('takes empty risk weights and approval policies as the built-in ones', () => {
    expect(loadConfig(ChangeConfig, { CHANGE_RISK_WEIGHTS: '', CHANGE_APPROVAL_POLICIES: '' })).toMatchObject({ CHANGE_RISK_WEIGHTS: '', CHANGE_APPROVAL_POLICIES: '' });
  });

  it('takes valid JSON risk weights and approval policies', () => {
    const env = { CHANGE_RISK_WEIGHTS: '{"thresholds":{"veryHigh":80}}', CHANGE_APPROVAL_POLICIES: '{"emergency":{"name":"ecab","role":"cab","quorum":2}}' };
    expect(loadConfig(ChangeConfig, env)).toMatchObject(env);
  });

  it.each([
    ['CHANGE_RISK_WEIGHTS', 'heavy', 'must be a JSON object of risk weights'],
    ['CHANGE_RISK_WEIGHTS', '{"points":{"ci_criticality":30}}', 'points must sum to 100 (they sum to 110)'],
    ['CHANGE_RISK_WEIGHTS', '{"thresholds":{"high":20}}', 'thresholds must rise strictly: moderate < high < veryHigh'],
    ['CHANGE_APPROVAL_POLICIES', '[1]', 'must be a JSON object of approval policies'],
    ['CHANGE_APPROVAL_POLICIES', '{"standard":{"name":"x","role":"manager","quorum":1}}', 'has unknown change types: standard'],
    ['CHANGE_APPROVAL_POLICIES', '{"normal":{"high":{"name":"cab","role":"cab","quorum":0}}}', 'normal.high.quorum must be a whole number within 1..20'],
  ])('refuses %s = %s with one line naming the variable and the problem', (variable, value, problem) => {
    const load = (): ChangeConfig => loadConfig(ChangeConfig, { [variable]: value });
    expect(load).toThrow(`Invalid configuration: ${variable} ${problem}`);
    expect(load).toThrow(JSON.stringify(value));
  });
});

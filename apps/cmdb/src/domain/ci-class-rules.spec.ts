import { checkIdentificationRules } from './ci-class-rules';

describe('identification rules of a class', () => {
  it('accepts ordered sets of known identifiers, and no sets at all', () => {
    expect(checkIdentificationRules([['k8sUid'], ['serial'], ['hostname', 'ip']])).toEqual([]);
    expect(checkIdentificationRules([])).toEqual([]);
  });

  it('names empty sets, unknown identifiers, repeats within a set and repeated sets', () => {
    const errors = checkIdentificationRules([[], ['wwn'], ['fqdn', 'fqdn'], ['ip', 'hostname'], ['hostname', 'ip']]);
    expect(errors.map((error) => error.field)).toEqual(['identificationRules.0', 'identificationRules.1.0', 'identificationRules.2', 'identificationRules.4']);
  });
});

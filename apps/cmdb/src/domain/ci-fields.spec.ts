import { checkCiFields } from './ci-fields';

describe('CI fields', () => {
  it('accepts what a CI may hold', () => {
    expect(checkCiFields({ className: 'database', name: 'payroll-db', environment: 'prod', status: 'operational', criticality: 1, ownerGroup: null, identifiers: { fqdn: 'db.example.com', ip: null } })).toEqual([]);
  });

  it('names each field that is wrong', () => {
    const errors = checkCiFields({ className: 'Database', name: ' ', environment: 'Prod EU', status: 'gone', criticality: 2.5, ownerGroup: '', identifiers: { mac: 'aa:bb', fqdn: '' } });
    expect(errors.map((error) => error.field)).toEqual(['className', 'name', 'environment', 'status', 'criticality', 'ownerGroup', 'identifiers.mac', 'identifiers.fqdn']);
  });
});

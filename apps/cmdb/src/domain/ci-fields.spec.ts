import fc from 'fast-check';
import { checkCiFields, NEW_CI_REQUIRED } from './ci-fields';

const complete = { className: 'database', name: 'payroll-db', environment: 'prod' };

describe('CI fields', () => {
  it('accepts what a CI may hold', () => {
    expect(checkCiFields({ className: 'database', name: 'payroll-db', environment: 'prod', status: 'operational', criticality: 1, ownerGroup: null, identifiers: { fqdn: 'db.example.com', ip: null } })).toEqual([]);
  });

  it('names each field that is wrong', () => {
    const errors = checkCiFields({ className: 'Database', name: ' ', environment: 'Prod EU', status: 'gone', criticality: 2.5, ownerGroup: '', identifiers: { mac: 'aa:bb', fqdn: '' } });
    expect(errors.map((error) => error.field)).toEqual(['className', 'name', 'environment', 'status', 'criticality', 'ownerGroup', 'identifiers.mac', 'identifiers.fqdn']);
  });

  it('tells a new CI without an environment that environment is required, not that it is malformed', () => {
    expect(checkCiFields({ className: 'database', name: 'payroll-db' }, NEW_CI_REQUIRED)).toEqual([{ field: 'environment', message: 'is required' }]);
  });

  it('tells a new CI without a name or a class that each is required, null counting as missing', () => {
    expect(checkCiFields({ environment: 'prod', name: null }, NEW_CI_REQUIRED)).toEqual([
      { field: 'className', message: 'is required' },
      { field: 'name', message: 'is required' },
    ]);
  });

  it('lets a change leave out any field', () => {
    expect(checkCiFields({ criticality: 2 })).toEqual([]);
  });

  it('reports exactly the required fields left out of a new CI as required, and nothing else', () => {
    fc.assert(
      fc.property(fc.subarray([...NEW_CI_REQUIRED]), fc.constantFrom(undefined, null), (left, absent) => {
        const values = { ...complete, ...Object.fromEntries(left.map((field) => [field, absent])) };
        expect(checkCiFields(values, NEW_CI_REQUIRED)).toEqual(left.map((field) => ({ field, message: 'is required' })));
      }),
    );
  });
});

import { isTransientDatabaseError, pgErrorCode } from './postgres-errors';

function pgError(code: string): Error {
  return Object.assign(new Error(`error ${code}`), { code });
}

describe('PostgreSQL errors', () => {
  it('finds the SQLSTATE on a driver error and on TypeORM’s wrapper of it', () => {
    expect(pgErrorCode(pgError('23505'))).toBe('23505');
    expect(pgErrorCode({ driverError: { code: '40001' } })).toBe('40001');
    expect(pgErrorCode(new Error('plain'))).toBeUndefined();
  });

  it.each([
    ['connection failure', pgError('08006')],
    ['administrator shutdown', pgError('57P01')],
    ['too many connections', pgError('53300')],
    ['serialization failure', pgError('40001')],
    ['deadlock', { driverError: { code: '40P01' } }],
    ['refused socket', pgError('ECONNREFUSED')],
    ['closed connection', new Error('Connection terminated unexpectedly')],
    ['pool timeout', new Error('timeout exceeded when trying to connect')],
  ])('treats a %s as transient', (_name, error) => {
    expect(isTransientDatabaseError(error)).toBe(true);
  });

  it.each([
    ['unique violation', pgError('23505')],
    ['syntax error', pgError('42601')],
    ['bug in a handler', new TypeError("Cannot read properties of undefined (reading 'id')")],
  ])('treats a %s as permanent', (_name, error) => {
    expect(isTransientDatabaseError(error)).toBe(false);
  });
});

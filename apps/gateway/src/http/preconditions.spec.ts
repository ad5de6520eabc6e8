import { ErrorCode } from '@itsm/contracts';
import { etagOf, idempotencyKeyFrom, versionFromIfMatch } from './preconditions';

describe('If-Match and Idempotency-Key headers', () => {
  it('reads the version from a strong or weak ETag and round-trips etagOf', () => {
    expect(versionFromIfMatch(etagOf(7))).toBe(7);
    expect(versionFromIfMatch('W/"12"')).toBe(12);
  });

  it('treats an absent header and * as no precondition', () => {
    expect(versionFromIfMatch(undefined)).toBeUndefined();
    expect(versionFromIfMatch('*')).toBeUndefined();
  });

  it.each(['3', '"abc"', '"1", "2"', ''])('refuses the malformed If-Match %p naming the header', (header) => {
    expect(() => versionFromIfMatch(header)).toThrow(expect.objectContaining({ code: ErrorCode.VALIDATION, details: { errors: [expect.objectContaining({ field: 'If-Match' })] } }));
  });

  it('accepts a UUID key and refuses an empty or over-long one', () => {
    expect(idempotencyKeyFrom('0b9f7c7e-3c55-4f43-9d8e-2f8c1a4e6b21')).toBe('0b9f7c7e-3c55-4f43-9d8e-2f8c1a4e6b21');
    expect(() => idempotencyKeyFrom('')).toThrow(expect.objectContaining({ code: ErrorCode.VALIDATION }));
    expect(() => idempotencyKeyFrom('x'.repeat(256))).toThrow(expect.objectContaining({ code: ErrorCode.VALIDATION }));
  });
});

import fc from 'fast-check';
import { ErrorCode } from '@itsm/contracts';
import { decodeCursor, decodeTimeCursor, encodeCursor, encodeTimeCursor, isIsoInstant } from './cursor';

describe('list cursors', () => {
  it('decodes what it encoded', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.string(), fc.integer(), fc.constant(null)), { minLength: 1, maxLength: 4 }), (values) => {
        expect(decodeCursor(encodeCursor(values), values.length)).toEqual(values);
      }),
    );
  });

  it.each(['not-base64-json', encodeCursor(['a']), encodeCursor([{ nested: true }, 'x'])])('refuses the foreign cursor %p as field cursor', (cursor) => {
    expect(() => decodeCursor(cursor, 2)).toThrow(expect.objectContaining({ code: ErrorCode.VALIDATION, details: { errors: [expect.objectContaining({ field: 'cursor' })] } }));
  });

  it('reads back the instant and id of a time cursor', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }), fc.uuid(), (at, id) => {
        expect(decodeTimeCursor(encodeTimeCursor(at, id))).toEqual({ at: at.toISOString(), id });
      }),
    );
  });

  it.each([encodeCursor(['2026-02-30T00:00:00.000Z', '3f0c2b5e-8a43-4a53-9d0e-8b7a2f6c1d10']), encodeCursor(['2026-01-01T00:00:00.000Z', 'not-an-id']), encodeCursor([1, 2])])(
    'refuses the time cursor %p with an impossible instant or a foreign id',
    (cursor) => {
      expect(() => decodeTimeCursor(cursor)).toThrow(expect.objectContaining({ code: ErrorCode.VALIDATION, reason: 'INVALID_CURSOR' }));
    },
  );

  it('takes only instants that exist on the calendar', () => {
    expect(isIsoInstant('2026-02-28T23:59:59.999Z')).toBe(true);
    expect(isIsoInstant('2026-02-30T00:00:00Z')).toBe(false);
    expect(isIsoInstant('2026-13-01T00:00:00Z')).toBe(false);
    expect(isIsoInstant('2026-01-01 00:00:00')).toBe(false);
  });
});

import fc from 'fast-check';
import { ErrorCode } from '@itsm/contracts';
import { decodeCursor, encodeCursor } from './cursor';

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
});

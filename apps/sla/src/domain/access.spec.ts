import { ALWAYS_CALENDAR_ID, ErrorCode, SlaErrorCode } from '@itsm/contracts';
import { assertChangeableCalendar, isChangeableCalendar } from './access';

describe('who may change which calendar', () => {
  it('lets calendars of their own be changed', () => {
    expect(isChangeableCalendar('0b0f3c56-3d8e-4b8f-9a53-4f5c0e0b9a11')).toBe(true);
    expect(() => assertChangeableCalendar('0b0f3c56-3d8e-4b8f-9a53-4f5c0e0b9a11')).not.toThrow();
  });

  it('refuses any change of the built-in 24x7 calendar as a conflict naming id', () => {
    expect(isChangeableCalendar(ALWAYS_CALENDAR_ID)).toBe(false);
    expect(() => assertChangeableCalendar(ALWAYS_CALENDAR_ID)).toThrow(
      expect.objectContaining({ code: ErrorCode.CONFLICT, reason: SlaErrorCode.CalendarBuiltIn, details: { errors: [{ field: 'id', message: 'is built in' }] } }),
    );
  });
});

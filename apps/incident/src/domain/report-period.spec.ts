import { CommonErrorCode } from '@itsm/contracts';
import { percentOf, reportBuckets, reportRange, twoDecimals } from './report-period';

const at = (iso: string) => new Date(iso);
const iso = (buckets: Array<{ start: Date; end: Date }>) => buckets.map(({ start, end }) => [start.toISOString(), end.toISOString()]);

describe('report period', () => {
  it('refuses a period that does not end after it starts, naming to', () => {
    for (const to of ['2026-11-01T00:00:00Z', '2026-10-31T00:00:00Z']) {
      expect(() => reportRange({ from: '2026-11-01T00:00:00Z', to })).toThrow(expect.objectContaining({ reason: CommonErrorCode.InvalidRequest, details: { errors: [expect.objectContaining({ field: 'to' })] } }));
    }
  });

  it('accepts a year of 366 days and refuses anything longer, naming to', () => {
    expect(reportRange({ from: '2028-01-01T00:00:00Z', to: '2029-01-01T00:00:00Z' })).toEqual({ from: at('2028-01-01T00:00:00Z'), to: at('2029-01-01T00:00:00Z') });
    expect(() => reportRange({ from: '2028-01-01T00:00:00Z', to: '2029-01-01T00:00:01Z' })).toThrow(expect.objectContaining({ details: { errors: [expect.objectContaining({ field: 'to' })] } }));
  });
});

describe('report buckets', () => {
  it('cuts a period into days from its start, the last one ending at the end of the period', () => {
    expect(iso(reportBuckets({ from: at('2026-03-28T06:00:00Z'), to: at('2026-03-30T12:00:00Z') }, 'day'))).toEqual([
      ['2026-03-28T06:00:00.000Z', '2026-03-29T06:00:00.000Z'],
      ['2026-03-29T06:00:00.000Z', '2026-03-30T06:00:00.000Z'],
      ['2026-03-30T06:00:00.000Z', '2026-03-30T12:00:00.000Z'],
    ]);
  });

  it('makes weeks of seven days', () => {
    expect(iso(reportBuckets({ from: at('2026-11-02T00:00:00Z'), to: at('2026-11-16T00:00:00Z') }, 'week'))).toEqual([
      ['2026-11-02T00:00:00.000Z', '2026-11-09T00:00:00.000Z'],
      ['2026-11-09T00:00:00.000Z', '2026-11-16T00:00:00.000Z'],
    ]);
  });

  it('steps months by the calendar, keeping the day of the month where the month has it', () => {
    expect(iso(reportBuckets({ from: at('2026-01-31T00:00:00Z'), to: at('2026-05-01T00:00:00Z') }, 'month'))).toEqual([
      ['2026-01-31T00:00:00.000Z', '2026-02-28T00:00:00.000Z'],
      ['2026-02-28T00:00:00.000Z', '2026-03-31T00:00:00.000Z'],
      ['2026-03-31T00:00:00.000Z', '2026-04-30T00:00:00.000Z'],
      ['2026-04-30T00:00:00.000Z', '2026-05-01T00:00:00.000Z'],
    ]);
  });

  it('never makes more than 366 daily buckets for the longest period allowed', () => {
    const longest = reportRange({ from: '2028-01-01T00:00:00Z', to: '2029-01-01T00:00:00Z' });
    expect(reportBuckets(longest, 'day')).toHaveLength(366);
  });
});

describe('report figures', () => {
  it('rounds to two decimals and keeps nothing as null', () => {
    expect([twoDecimals('1234.5678'), twoDecimals(2), twoDecimals(null), twoDecimals(undefined)]).toEqual([1234.57, 2, null, null]);
  });

  it('gives a share in percent with one decimal, and none of nothing', () => {
    expect([percentOf(1, 3), percentOf(2, 2), percentOf(0, 0)]).toEqual([33.3, 100, null]);
  });
});

import fc from 'fast-check';
import {
  type AttemptOutcome,
  classify,
  DEFAULT_RETRY_SCHEDULE_MS,
  MAX_RETRY_AFTER_MS,
  nextAttemptDelay,
  parseRetryAfter,
  parseRetrySchedule,
} from './retry-policy';

const NOW = Date.parse('2026-03-02T09:00:00.000Z');
const HOUR = 3_600_000;
const middle = (): number => 0.5;
const response = (status: number, retryAfter?: string | null): AttemptOutcome => ({ kind: 'response', status, retryAfter });
const SERVER_ERROR = response(500);

describe('retry policy', () => {
  describe('default schedule', () => {
    it('retries after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h: 8 attempts over about 27 hours', () => {
      expect(DEFAULT_RETRY_SCHEDULE_MS).toEqual([5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000]);
      const total = DEFAULT_RETRY_SCHEDULE_MS.reduce((sum, delay) => sum + delay, 0);
      expect(total / HOUR).toBeCloseTo(27.6, 1);
    });
  });

  describe('parsing a schedule', () => {
    it('reads comma-separated milliseconds, spaces allowed', () => {
      expect(parseRetrySchedule('5000,300000, 1800000')).toEqual([5_000, 300_000, 1_800_000]);
      expect(parseRetrySchedule('0')).toEqual([0]);
    });

    it('refuses an empty schedule', () => {
      expect(() => parseRetrySchedule('')).toThrow(/retry schedule is empty/);
      expect(() => parseRetrySchedule('  ')).toThrow(/retry schedule is empty/);
    });

    it('refuses negative, fractional, non-numeric and missing entries, naming the entry', () => {
      expect(() => parseRetrySchedule('5000,-1')).toThrow('retry schedule entry 2 ("-1") is not a whole, non-negative number of milliseconds');
      expect(() => parseRetrySchedule('1.5')).toThrow(/entry 1 \("1.5"\)/);
      expect(() => parseRetrySchedule('5s')).toThrow(/entry 1 \("5s"\)/);
      expect(() => parseRetrySchedule('5000,,6000')).toThrow(/entry 2 \(""\)/);
      expect(() => parseRetrySchedule('1e3')).toThrow(/entry 1/);
      expect(() => parseRetrySchedule('99999999999999999999')).toThrow(/too large/);
    });

    it('reads back any schedule written as a list', () => {
      fc.assert(fc.property(fc.array(fc.nat(), { minLength: 1, maxLength: 20 }), (delays) => expect(parseRetrySchedule(delays.join(','))).toEqual(delays)));
    });
  });

  describe('classifying an attempt', () => {
    it('counts any 2xx as delivered', () => {
      for (const status of [200, 201, 202, 204, 299]) expect(classify(response(status))).toBe('delivered');
    });

    it('retries timeouts, network errors, 408, 429 and 5xx', () => {
      expect(classify({ kind: 'timeout' })).toBe('retry');
      expect(classify({ kind: 'network', error: 'ECONNREFUSED' })).toBe('retry');
      for (const status of [408, 429, 500, 502, 503, 504, 599]) expect(classify(response(status))).toBe('retry');
    });

    it('gives up on other statuses, redirects included since they are not followed', () => {
      for (const status of [100, 199, 301, 302, 307, 308, 400, 401, 403, 404, 410, 413, 422, 600]) expect(classify(response(status))).toBe('fail');
    });
  });

  describe('next attempt', () => {
    it('waits the scheduled delay for the attempt that failed, jittered by at most 20 %', () => {
      expect(nextAttemptDelay(1, SERVER_ERROR, DEFAULT_RETRY_SCHEDULE_MS, NOW, middle)).toBe(5_000);
      expect(nextAttemptDelay(1, SERVER_ERROR, DEFAULT_RETRY_SCHEDULE_MS, NOW, () => 0)).toBe(4_000);
      expect(nextAttemptDelay(1, SERVER_ERROR, DEFAULT_RETRY_SCHEDULE_MS, NOW, () => 1)).toBe(6_000);
      expect(nextAttemptDelay(2, { kind: 'timeout' }, DEFAULT_RETRY_SCHEDULE_MS, NOW, middle)).toBe(300_000);
    });

    it('stops when the schedule is used up', () => {
      expect(nextAttemptDelay(7, SERVER_ERROR, DEFAULT_RETRY_SCHEDULE_MS, NOW, middle)).toBe(36_000_000);
      expect(nextAttemptDelay(8, SERVER_ERROR, DEFAULT_RETRY_SCHEDULE_MS, NOW, middle)).toBeNull();
      expect(nextAttemptDelay(1, SERVER_ERROR, [], NOW, middle)).toBeNull();
    });

    it('has no next attempt after a delivery or a failure that is not retried', () => {
      expect(nextAttemptDelay(1, response(200), DEFAULT_RETRY_SCHEDULE_MS, NOW, middle)).toBeNull();
      expect(nextAttemptDelay(1, response(410), DEFAULT_RETRY_SCHEDULE_MS, NOW, middle)).toBeNull();
    });

    it('refuses an attempt number below 1', () => {
      expect(() => nextAttemptDelay(0, SERVER_ERROR, DEFAULT_RETRY_SCHEDULE_MS, NOW, middle)).toThrow(RangeError);
      expect(() => nextAttemptDelay(1.5, SERVER_ERROR, DEFAULT_RETRY_SCHEDULE_MS, NOW, middle)).toThrow(RangeError);
    });

    it('honours a longer Retry-After on 429 and 503, in seconds or as a date', () => {
      expect(nextAttemptDelay(1, response(429, '120'), DEFAULT_RETRY_SCHEDULE_MS, NOW, middle)).toBe(120_000);
      expect(nextAttemptDelay(1, response(503, 'Mon, 02 Mar 2026 10:00:00 GMT'), DEFAULT_RETRY_SCHEDULE_MS, NOW, middle)).toBe(HOUR);
    });

    it('keeps the schedule when Retry-After asks for less', () => {
      expect(nextAttemptDelay(2, response(429, '10'), DEFAULT_RETRY_SCHEDULE_MS, NOW, middle)).toBe(300_000);
    });

    it('caps Retry-After at 24 hours', () => {
      expect(nextAttemptDelay(1, response(503, String(7 * 24 * 3600)), DEFAULT_RETRY_SCHEDULE_MS, NOW, middle)).toBe(MAX_RETRY_AFTER_MS);
      expect(nextAttemptDelay(1, response(503, '9'.repeat(40)), DEFAULT_RETRY_SCHEDULE_MS, NOW, middle)).toBe(MAX_RETRY_AFTER_MS);
    });

    it('ignores Retry-After on other statuses and when unreadable', () => {
      expect(nextAttemptDelay(1, response(500, '120'), DEFAULT_RETRY_SCHEDULE_MS, NOW, middle)).toBe(5_000);
      expect(nextAttemptDelay(1, response(429, 'soon'), DEFAULT_RETRY_SCHEDULE_MS, NOW, middle)).toBe(5_000);
      expect(nextAttemptDelay(1, response(429, null), DEFAULT_RETRY_SCHEDULE_MS, NOW, middle)).toBe(5_000);
    });

    it('still uses up the schedule when Retry-After asks for more', () => {
      expect(nextAttemptDelay(8, response(429, '60'), DEFAULT_RETRY_SCHEDULE_MS, NOW, middle)).toBeNull();
    });

    describe('properties', () => {
      const schedule = fc.array(fc.integer({ min: 0, max: 48 * HOUR }), { maxLength: 12 });
      const retryable: fc.Arbitrary<AttemptOutcome> = fc.oneof(
        fc.constant<AttemptOutcome>({ kind: 'timeout' }),
        fc.constant<AttemptOutcome>({ kind: 'network', error: 'ECONNRESET' }),
        fc.constantFrom(408, 429, 500, 502, 503, 504).chain((status) =>
          fc.option(fc.oneof(fc.nat({ max: 10 * 24 * 3600 }).map(String), fc.date({ noInvalidDate: true }).map((date) => date.toUTCString()), fc.string()), { nil: null }).map(
            (retryAfter): AttemptOutcome => ({ kind: 'response', status, retryAfter }),
          ),
        ),
      );
      const unit = fc.double({ min: 0, max: 1, noNaN: true });
      const attempt = fc.integer({ min: 1, max: 15 });

      it('is null exactly when the attempt is past the schedule', () => {
        fc.assert(
          fc.property(attempt, retryable, schedule, unit, (n, outcome, delays, r) => (nextAttemptDelay(n, outcome, delays, NOW, () => r) === null) === n > delays.length),
        );
      });

      it('is never negative, and within 20 % of the schedule unless Retry-After asks for longer', () => {
        fc.assert(
          fc.property(attempt, retryable, schedule, unit, (n, outcome, delays, r) => {
            const delay = nextAttemptDelay(n, outcome, delays, NOW, () => r);
            const scheduled = delays[n - 1];
            if (delay === null || scheduled === undefined) return true;
            expect(delay).toBeGreaterThanOrEqual(0);
            expect(delay).toBeGreaterThanOrEqual(Math.floor(scheduled * 0.8));
            if (delay > Math.ceil(scheduled * 1.2)) {
              const asked = outcome.kind === 'response' ? parseRetryAfter(outcome.retryAfter, NOW) : null;
              expect(outcome.kind === 'response' && [429, 503].includes(outcome.status)).toBe(true);
              expect(delay).toBe(Math.min(asked ?? Number.NaN, MAX_RETRY_AFTER_MS));
            }
            return true;
          }),
        );
      });
    });
  });

  describe('Retry-After', () => {
    it('reads delay-seconds', () => {
      expect(parseRetryAfter('120', NOW)).toBe(120_000);
      expect(parseRetryAfter(' 0 ', NOW)).toBe(0);
    });

    it('reads the three HTTP date forms relative to now', () => {
      expect(parseRetryAfter('Mon, 02 Mar 2026 09:05:00 GMT', NOW)).toBe(300_000);
      expect(parseRetryAfter('Monday, 02-Mar-26 09:05:00 GMT', NOW)).toBe(300_000);
      expect(parseRetryAfter('Mon Mar  2 09:05:00 2026', NOW)).toBe(300_000);
    });

    it('waits nothing for a date in the past', () => {
      expect(parseRetryAfter('Sun, 01 Mar 2026 09:00:00 GMT', NOW)).toBe(0);
    });

    it('reads nothing from absent, negative, fractional or free-form values', () => {
      for (const value of [null, undefined, '', '-5', '1.5', 'tomorrow', '2026-03-02T10:00:00Z', '2026-03-02']) expect(parseRetryAfter(value, NOW)).toBeNull();
    });
  });
});

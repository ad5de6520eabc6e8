import { ValidateBy, type ValidationOptions } from 'class-validator';

const ISO_TIME_DURATION = /^PT(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?$/;
/** Business durations may not exceed ten years of seconds: anything longer is a typo, not a target. */
export const MAX_DURATION_SECONDS = 10 * 366 * 24 * 3600;

/**
 * Seconds of a business duration given as whole seconds (`14400`) or an ISO 8601 time duration (`PT4H`,
 * `PT1H30M`). Days, weeks and months are refused: "a day" of business time is ambiguous (8 business hours or
 * 24?), so targets say hours. Returns a message instead of a number for anything else.
 */
export function parseBusinessDuration(value: unknown): number | string {
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) return 'must be a whole number of seconds';
    if (value < 0) return 'must not be negative';
    return value > MAX_DURATION_SECONDS ? `must be at most ${MAX_DURATION_SECONDS} seconds` : value;
  }
  if (typeof value !== 'string') return 'must be seconds or an ISO 8601 duration such as PT4H';
  if (value.startsWith('-')) return 'must not be negative';
  const match = ISO_TIME_DURATION.exec(value);
  if (!match) return 'must be seconds or an ISO 8601 time duration such as PT4H or PT1H30M (no days: say hours)';
  const [, hours = '0', minutes = '0', seconds = '0'] = match;
  return parseBusinessDuration(Number(hours) * 3600 + Number(minutes) * 60 + Number(seconds));
}

/** `PT4H30M` for 16200; `PT0S` for 0. */
export function formatBusinessDuration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const text = `${h ? `${h}H` : ''}${m ? `${m}M` : ''}${s ? `${s}S` : ''}`;
  return `PT${text || '0S'}`;
}

/** A business duration in seconds or ISO 8601 (see {@link parseBusinessDuration}). */
export function IsBusinessDuration(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isBusinessDuration',
      validator: {
        validate: (value: unknown) => typeof parseBusinessDuration(value) === 'number',
        defaultMessage: (args) => `$property ${String(parseBusinessDuration(args?.value))}`,
      },
    },
    options,
  );
}

/** A business duration: whole seconds or an ISO 8601 time duration. */
export type BusinessDuration = number | string;

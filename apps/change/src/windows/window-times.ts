import type { DataSource, EntityManager } from 'typeorm';
import { ChangeError, ChangeErrorCode, CommonError, CommonErrorCode, type FieldError } from '@itsm/contracts';
import { PgErrorCode, pgErrorCode } from '@itsm/persistence';
import { checkWindow, parseRrule, type RecurringWindow, WindowError } from '../domain/windows';

/** The times of a blackout or maintenance window as a request gives them. */
export interface WindowTimesInput {
  start: string;
  end: string;
  rrule?: string | null | undefined;
  timeZone: string;
}

/**
 * The window a request defines, refused when it cannot be one: an end not after its start is a 400 naming `end` (as
 * any field error), a rule the expander refuses a 422 `CHANGE_INVALID_RRULE` naming `rrule`. A rule that passes is
 * expandable for as far as the schedule check ever looks (it recurs at most daily, COUNT is bounded).
 */
export function windowOf(input: WindowTimesInput): RecurringWindow {
  const window: RecurringWindow = { start: new Date(input.start), end: new Date(input.end), rrule: input.rrule ?? null, timeZone: input.timeZone };
  if (window.end.getTime() <= window.start.getTime()) throw invalidFields('the window ends before it starts', [{ field: 'end', message: 'must be after start' }]);
  if (window.rrule !== null && window.rrule !== undefined) {
    try {
      parseRrule(window.rrule);
    } catch (error) {
      if (error instanceof WindowError) throw invalidRrule(error.message);
      throw error;
    }
  }
  // Whatever else the rules refuse (a zone luxon does not know although the request's check let it pass).
  const problems = checkWindow(window);
  if (problems.length > 0) throw invalidFields(problems.join('; '), [{ field: 'timeZone', message: problems.join('; ') }]);
  return window;
}

export function invalidRrule(message: string): ChangeError {
  return new ChangeError(ChangeErrorCode.InvalidRrule, message, { field: 'rrule', errors: [{ field: 'rrule', message }] });
}

function invalidFields(message: string, errors: FieldError[]): CommonError {
  return new CommonError(CommonErrorCode.InvalidRequest, message, { errors });
}

function nameTaken(kind: string, name: string): ChangeError {
  return new ChangeError(ChangeErrorCode.WindowNameTaken, `there is already a ${kind} named ${name}`, { errors: [{ field: 'name', message: 'is taken' }] });
}

/**
 * Runs a write that gives a window `name`: the unique constraint `nameKey` refuses a name another window of the kind
 * has, even when two writers race for it.
 */
export async function writeNamed<T>(dataSource: DataSource, kind: string, nameKey: string, name: string, write: (manager: EntityManager) => Promise<T>): Promise<T> {
  try {
    return await dataSource.transaction(write);
  } catch (error) {
    const constraint = (error as { constraint?: string; driverError?: { constraint?: string } }).driverError?.constraint;
    if (pgErrorCode(error) === PgErrorCode.uniqueViolation && constraint === nameKey) throw nameTaken(kind, name);
    throw error;
  }
}

import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, Matches } from 'class-validator';
import { DEFAULT_CAUSE_CATEGORIES, PRIORITY_MATRIX_FORMAT } from '@itsm/contracts';
import { ServiceConfig } from '@itsm/runtime';

const toNameList = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' ? value.split(',').map((part) => part.trim()).filter((part) => part.length > 0) : value;

export class ProblemConfig extends ServiceConfig {
  override HEALTH_PORT = 3102;

  /** Impact × urgency → priority, as for incidents (one row per impact, one column per urgency). */
  @Matches(PRIORITY_MATRIX_FORMAT, { message: 'must be three rows of three priorities, e.g. P1,P2,P3;P2,P3,P4;P3,P4,P5' })
  PRIORITY_MATRIX = 'P1,P2,P3;P2,P3,P4;P3,P4,P5';

  /** The cause categories a root cause may name (comma-separated, lower-case words). */
  @Transform(toNameList)
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @Matches(/^[a-z][a-z0-9_]{0,49}$/, { each: true, message: 'must be a comma-separated list of lower-case names (letters, digits, _)' })
  PROBLEM_CAUSE_CATEGORIES: string[] = [...DEFAULT_CAUSE_CATEGORIES];
}

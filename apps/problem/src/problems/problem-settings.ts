import { Inject, Injectable } from '@nestjs/common';
import { type PriorityMatrix, parsePriorityMatrix, ProblemError, ProblemErrorCode } from '@itsm/contracts';
import { SERVICE_CONFIG } from '@itsm/runtime';
import type { ProblemConfig } from '../config';

/** The settings of opening and changing problems that need parsing, parsed once at start. */
@Injectable()
export class ProblemSettings {
  /** PRIORITY_MATRIX: impact × urgency → priority, the matrix incidents use. */
  readonly priorityMatrix: PriorityMatrix;
  /** PROBLEM_CAUSE_CATEGORIES: what a root cause may be filed under. */
  readonly causeCategories: readonly string[];

  constructor(@Inject(SERVICE_CONFIG) config: ProblemConfig) {
    this.priorityMatrix = parsePriorityMatrix(config.PRIORITY_MATRIX);
    this.causeCategories = [...config.PROBLEM_CAUSE_CATEGORIES];
  }

  /** Refuses a cause category outside the configured list (422 `PROBLEM_UNKNOWN_CAUSE_CATEGORY` naming the allowed ones); null clears it. */
  assertCauseCategory(value: string | null | undefined): void {
    if (value === undefined || value === null || this.causeCategories.includes(value)) return;
    const allowed = this.causeCategories.join(', ');
    throw new ProblemError(ProblemErrorCode.UnknownCauseCategory, `cause category ${value} is not one of: ${allowed}`, {
      field: 'causeCategory',
      value,
      allowed: this.causeCategories,
      errors: [{ field: 'causeCategory', message: `must be one of: ${allowed}` }],
    });
  }
}

import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsInt, Matches, Max, Min, Validate, ValidatorConstraint, type ValidatorConstraintInterface } from 'class-validator';
import { ServiceConfig, toBoolean } from '@itsm/runtime';
import { DEFAULT_ESCALATION_RULES, parseEscalationRules } from './domain/escalation';
import { PRIORITY_MATRIX_FORMAT } from '@itsm/contracts';

@ValidatorConstraint({ name: 'escalationRules' })
class EscalationRulesConstraint implements ValidatorConstraintInterface {
  private problem = '';
  validate(value: unknown): boolean {
    try {
      parseEscalationRules(String(value));
      return true;
    } catch (error) {
      this.problem = (error as Error).message;
      return false;
    }
  }
  defaultMessage(): string {
    return this.problem;
  }
}

export class IncidentConfig extends ServiceConfig {
  override HEALTH_PORT = 3101;

  /** Impact × urgency → priority, one row per impact (1..3), one column per urgency (1..3). */
  @Matches(PRIORITY_MATRIX_FORMAT, { message: 'must be three rows of three priorities, e.g. P1,P2,P3;P2,P3,P4;P3,P4,P5' })
  PRIORITY_MATRIX = 'P1,P2,P3;P2,P3,P4;P3,P4,P5';

  /** Days after resolution during which the caller or an agent may reopen an incident. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(365)
  INCIDENT_REOPEN_WINDOW_DAYS = 7;

  /** Days after resolution at which a resolved incident is closed automatically. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(365)
  INCIDENT_AUTO_CLOSE_DAYS = 7;

  /** How often the auto-close job looks for incidents to close. */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  INCIDENT_AUTO_CLOSE_INTERVAL_MS = 60_000;

  /** Open incidents with the same category and a shared CI opened this recently are offered as possible duplicates. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(10_080)
  INCIDENT_DUPLICATE_WINDOW_MINUTES = 60;

  /** JSON array of escalation rules applied on SLA warnings and breaches (docs/service-desk.md). */
  @Validate(EscalationRulesConstraint)
  INCIDENT_ESCALATION_RULES = JSON.stringify(DEFAULT_ESCALATION_RULES);

  /**
   * When true, a problem resolved with a permanent fix also resolves its open incidents (resolution code
   * `permanent_fix`, the problem's resolution as notes); either way they get the resolution as a comment.
   */
  @Transform(toBoolean)
  @IsBoolean({ message: 'must be true or false' })
  PROBLEM_RESOLVES_INCIDENTS = false;
}

import { Type } from 'class-transformer';
import { IsInt, IsString, Matches, Max, Min, Validate, ValidatorConstraint, type ValidatorConstraintInterface } from 'class-validator';
import { ServiceConfig } from '@itsm/runtime';
import { parseApprovalPolicies } from './domain/approval';
import { parseRiskWeights } from './domain/risk';

/** A JSON setting read by `parse` (empty: the built-in value); a value it refuses stops the start with its message. */
abstract class JsonSettingConstraint implements ValidatorConstraintInterface {
  private problem = '';
  protected abstract parse(json: string): unknown;

  validate(value: unknown): boolean {
    if (value === undefined || value === '') return true;
    try {
      this.parse(String(value));
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

@ValidatorConstraint({ name: 'riskWeights' })
class RiskWeightsConstraint extends JsonSettingConstraint {
  protected parse(json: string): unknown {
    return parseRiskWeights(json);
  }
}

@ValidatorConstraint({ name: 'approvalPolicies' })
class ApprovalPoliciesConstraint extends JsonSettingConstraint {
  protected parse(json: string): unknown {
    return parseApprovalPolicies(json);
  }
}

export class ChangeConfig extends ServiceConfig {
  override HEALTH_PORT = 3103;

  /** How many hops of the CMDB around a change's CIs count as its impact set, for conflicts with other changes. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(5)
  CHANGE_CONFLICT_DEPTH = 2;

  /** Hours after a change was implemented during which an incident on one of its CIs counts as caused by it (reports). */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(720)
  CHANGE_INCIDENT_WINDOW_HOURS = 24;

  /** The SLA calendar whose business hours make a change window riskier (`24X7`: every hour is a business hour). */
  @IsString()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, { message: 'must be a calendar id' })
  CHANGE_BUSINESS_CALENDAR = '24X7';

  /** Risk weights as JSON (empty: the built-in ones, docs/change.md). */
  @IsString()
  @Validate(RiskWeightsConstraint)
  CHANGE_RISK_WEIGHTS = '';

  /** Approval policies by type and risk as JSON (empty: the built-in ones, docs/change.md). */
  @IsString()
  @Validate(ApprovalPoliciesConstraint)
  CHANGE_APPROVAL_POLICIES = '';
}

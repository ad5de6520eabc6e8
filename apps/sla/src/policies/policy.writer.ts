import { Injectable } from '@nestjs/common';
import { type PolicyView, SlaError, SlaErrorCode } from '@itsm/contracts';
import { RecordWriter } from '@itsm/messaging';
import { Policy, toPolicyView } from './policy.entity';

/** Every change of an SLA or OLA policy: row lock, `If-Match`, version and audit row (policies announce no events). */
@Injectable()
export class PolicyWriter extends RecordWriter<Policy, PolicyView> {
  protected readonly entity = Policy;
  protected readonly entityType = 'policy';

  // Declared here so that Nest sees what to inject (the abstract base has no decorator, so no parameter types).
  toView(policy: Policy): PolicyView {
    return toPolicyView(policy);
  }

  protected label(policy: Policy): string {
    return `policy ${policy.name}`;
  }

  protected notFound(id: string): SlaError {
    return policyNotFound(id);
  }
}

export function policyNotFound(id: string): SlaError {
  return new SlaError(SlaErrorCode.PolicyNotFound, `policy ${id} not found`);
}

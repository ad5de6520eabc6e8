import { Injectable } from '@nestjs/common';
import { CmdbError, CmdbErrorCode, type ReconciliationRuleView } from '@itsm/contracts';
import { RecordWriter } from '@itsm/messaging';
import { ReconciliationRule, toReconciliationRuleView } from './reconciliation-rule.entity';

export function reconciliationRuleNotFound(id: string): CmdbError {
  return new CmdbError(CmdbErrorCode.ReconciliationRuleNotFound, `reconciliation rule ${id} not found`);
}

/** Every change of a reconciliation rule: version, and its audit row (rules announce no event). */
@Injectable()
export class ReconciliationRuleWriter extends RecordWriter<ReconciliationRule, ReconciliationRuleView> {
  protected readonly entity = ReconciliationRule;
  protected readonly entityType = 'reconciliation_rule';

  toView(rule: ReconciliationRule): ReconciliationRuleView {
    return toReconciliationRuleView(rule);
  }

  protected label(rule: ReconciliationRule): string {
    return `reconciliation rule ${rule.id}`;
  }

  protected notFound(id: string): CmdbError {
    return reconciliationRuleNotFound(id);
  }
}

import { Injectable } from '@nestjs/common';
import { IncidentError, IncidentErrorCode, type RoutingRuleView } from '@itsm/contracts';
import { RecordWriter } from '@itsm/messaging';
import { RoutingRule, toRoutingRuleView } from './routing-rule.entity';

export function routingRuleNotFound(id: string): IncidentError {
  return new IncidentError(IncidentErrorCode.RoutingRuleNotFound, `routing rule ${id} not found`);
}

/** Every change of a routing rule is written here, with its audit row (routing rules announce no events). */
@Injectable()
export class RoutingRuleWriter extends RecordWriter<RoutingRule, RoutingRuleView> {
  protected readonly entity = RoutingRule;
  protected readonly entityType = 'routing_rule';

  toView(rule: RoutingRule): RoutingRuleView {
    return toRoutingRuleView(rule);
  }

  protected label(rule: RoutingRule): string {
    return `routing rule ${rule.id}`;
  }

  protected notFound(id: string): IncidentError {
    return routingRuleNotFound(id);
  }
}

import { Injectable } from '@nestjs/common';
import { type DetectionRuleView, ProblemError, ProblemErrorCode } from '@itsm/contracts';
import { RecordWriter } from '@itsm/messaging';
import { DetectionRule, toDetectionRuleView } from './detection-rule.entity';

export function detectionRuleNotFound(id: string): ProblemError {
  return new ProblemError(ProblemErrorCode.DetectionRuleNotFound, `detection rule ${id} not found`);
}

/** Every change of a detection rule is written here, with its audit row (detection rules announce no events). */
@Injectable()
export class DetectionRuleWriter extends RecordWriter<DetectionRule, DetectionRuleView> {
  protected readonly entity = DetectionRule;
  protected readonly entityType = 'detection_rule';

  toView(rule: DetectionRule): DetectionRuleView {
    return toDetectionRuleView(rule);
  }

  protected label(rule: DetectionRule): string {
    return `detection rule ${rule.name}`;
  }

  protected notFound(id: string): ProblemError {
    return detectionRuleNotFound(id);
  }
}

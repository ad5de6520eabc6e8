import { IncidentError, IncidentErrorCode, type Priority } from '@itsm/contracts';

/**
 * A priority set by hand overrides the matrix and must say why; a reason alone, without a priority, says nothing.
 * `priority: null` returns to the matrix and takes no reason.
 */
export function assertPriorityOverride(changes: { priority?: Priority | null; priorityReason?: string }): void {
  if (changes.priority && changes.priorityReason === undefined) {
    throw new IncidentError(IncidentErrorCode.PriorityReasonRequired, 'a manual priority needs priorityReason', { errors: [{ field: 'priorityReason', message: 'is required with priority' }] });
  }
  if (changes.priorityReason !== undefined && !changes.priority) {
    throw new IncidentError(IncidentErrorCode.PriorityReasonOnlyWithPriority, 'priorityReason only goes with a manual priority', {
      errors: [{ field: 'priorityReason', message: 'only applies with priority' }],
    });
  }
}

/** The assignment part of a ticket. */
export interface Assignment {
  assignmentGroup: string | null;
  assigneeId: string | null;
  reassignmentCount: number;
  respondedAt: Date | null;
}

export interface AssignmentChange {
  previousGroup: string | null;
  previousAssigneeId: string | null;
  /** A group or assignee that was already set changed: counted in `reassignmentCount` (a service-desk KPI). */
  reassignment: boolean;
}

/**
 * A new group and/or assignee (`undefined` keeps the current one, `null` clears it). Returns the new assignment
 * and what changed, or undefined when nothing did. Naming an assignee is the ticket's first response.
 */
export function reassign(
  current: Assignment,
  group: string | null | undefined,
  assignee: string | null | undefined,
  now: Date,
): { next: Assignment; change: AssignmentChange } | undefined {
  const nextGroup = group === undefined ? current.assignmentGroup : group;
  const nextAssignee = assignee === undefined ? current.assigneeId : assignee;
  const groupChanged = nextGroup !== current.assignmentGroup;
  const assigneeChanged = nextAssignee !== current.assigneeId;
  if (!groupChanged && !assigneeChanged) return undefined;
  const reassignment = (groupChanged && current.assignmentGroup !== null) || (assigneeChanged && current.assigneeId !== null);
  return {
    next: {
      assignmentGroup: nextGroup,
      assigneeId: nextAssignee,
      reassignmentCount: current.reassignmentCount + (reassignment ? 1 : 0),
      respondedAt: current.respondedAt ?? (nextAssignee ? now : null),
    },
    change: { previousGroup: current.assignmentGroup, previousAssigneeId: current.assigneeId, reassignment },
  };
}

import fc from 'fast-check';
import { type Assignment, reassign } from './assignment';

const NOW = new Date('2026-03-02T10:00:00.000Z');
const unassigned: Assignment = { assignmentGroup: null, assigneeId: null, reassignmentCount: 0, respondedAt: null };

describe('reassignment', () => {
  it('does not count the first assignment, and counts each change after it', () => {
    const first = reassign(unassigned, 'desktop-support', undefined, NOW);
    expect(first?.change).toEqual({ previousGroup: null, previousAssigneeId: null, reassignment: false });
    expect(first?.next.reassignmentCount).toBe(0);
    const second = reassign(first?.next ?? unassigned, 'messaging', 'kim', NOW);
    expect(second?.change).toEqual({ previousGroup: 'desktop-support', previousAssigneeId: null, reassignment: true });
    expect(second?.next).toMatchObject({ assignmentGroup: 'messaging', assigneeId: 'kim', reassignmentCount: 1 });
  });

  it('reports nothing when the same group and assignee are given again', () => {
    const assigned = { ...unassigned, assignmentGroup: 'network', assigneeId: 'sam' };
    expect(reassign(assigned, 'network', 'sam', NOW)).toBeUndefined();
    expect(reassign(assigned, undefined, undefined, NOW)).toBeUndefined();
  });

  it('takes naming an assignee as the first response, and keeps an earlier one', () => {
    expect(reassign(unassigned, 'network', undefined, NOW)?.next.respondedAt).toBeNull();
    expect(reassign(unassigned, undefined, 'sam', NOW)?.next.respondedAt).toEqual(NOW);
    const earlier = new Date('2026-03-01T08:00:00.000Z');
    expect(reassign({ ...unassigned, respondedAt: earlier }, undefined, 'sam', NOW)?.next.respondedAt).toEqual(earlier);
  });

  it('never lowers the count, raises it by at most one, and keeps what was not given', () => {
    const name = fc.option(fc.constantFrom('a', 'b', 'c'), { nil: null });
    const given = fc.option(name, { nil: undefined });
    const assignment = fc.record({ assignmentGroup: name, assigneeId: name, reassignmentCount: fc.nat(20), respondedAt: fc.constant(null) });
    fc.assert(
      fc.property(assignment, given, given, (current, group, assignee) => {
        const result = reassign(current, group, assignee, NOW);
        if (!result) return;
        expect(result.next.reassignmentCount - current.reassignmentCount).toBeGreaterThanOrEqual(0);
        expect(result.next.reassignmentCount - current.reassignmentCount).toBeLessThanOrEqual(1);
        if (group === undefined) expect(result.next.assignmentGroup).toBe(current.assignmentGroup);
        if (assignee === undefined) expect(result.next.assigneeId).toBe(current.assigneeId);
        expect(result.change.reassignment).toBe(result.next.reassignmentCount > current.reassignmentCount);
      }),
    );
  });
});

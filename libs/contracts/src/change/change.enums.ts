/** What kind of change: from a pre-approved template, the usual path, or an urgent fix. */
export enum ChangeType {
  Standard = 'standard',
  Normal = 'normal',
  Emergency = 'emergency',
}

export enum ChangeState {
  New = 'new',
  Assess = 'assess',
  Authorize = 'authorize',
  Scheduled = 'scheduled',
  Implement = 'implement',
  Review = 'review',
  Closed = 'closed',
  Canceled = 'canceled',
  Rejected = 'rejected',
}

export enum RiskLevel {
  Low = 'low',
  Moderate = 'moderate',
  High = 'high',
  VeryHigh = 'very_high',
}

export enum ChangeOutcome {
  Successful = 'successful',
  SuccessfulWithIssues = 'successful_with_issues',
  Failed = 'failed',
}

/** Where a change's approval stands. */
export enum ChangeApprovalState {
  Pending = 'pending',
  Approved = 'approved',
  Rejected = 'rejected',
}

/** An approver's vote on a change. */
export enum ChangeVote {
  Approve = 'approve',
  Reject = 'reject',
}

export enum ConflictKind {
  Change = 'change',
  Blackout = 'blackout',
  Maintenance = 'maintenance',
}

/** What a blackout window freezes: everything, some business services, or some CIs. */
export enum BlackoutScope {
  Global = 'global',
  Service = 'service',
  Ci = 'ci',
}

export enum ReleaseState {
  Planning = 'planning',
  Build = 'build',
  Test = 'test',
  Deploy = 'deploy',
  Closed = 'closed',
  Canceled = 'canceled',
}

export const CHANGE_SORTS = ['createdAt', '-createdAt', 'updatedAt', '-updatedAt', 'plannedStart', '-plannedStart', 'number', '-number'] as const;
export type ChangeSort = (typeof CHANGE_SORTS)[number];

/** The kinds of window the change calendar shows beside the changes. */
export enum ChangeWindowKind {
  Blackout = 'blackout',
  Maintenance = 'maintenance',
}

export const RELEASE_SORTS = ['createdAt', '-createdAt', 'plannedStart', '-plannedStart', 'number', '-number'] as const;
export type ReleaseSort = (typeof RELEASE_SORTS)[number];

/** Where a problem stands. `resolved`, `closed` and `canceled` are not open. */
export enum ProblemState {
  New = 'new',
  Assess = 'assess',
  RootCauseAnalysis = 'root_cause_analysis',
  FixInProgress = 'fix_in_progress',
  Resolved = 'resolved',
  Closed = 'closed',
  Canceled = 'canceled',
}

/** The states in which a problem is still being worked (a detection pattern or an incident link holds only one open problem). */
export const OPEN_PROBLEM_STATES: readonly ProblemState[] = [ProblemState.New, ProblemState.Assess, ProblemState.RootCauseAnalysis, ProblemState.FixInProgress];

/** How a problem was resolved: only a permanent fix retires its known error and may resolve its incidents. */
export enum ProblemResolutionCode {
  PermanentFix = 'permanent_fix',
  RiskAccepted = 'risk_accepted',
  Duplicate = 'duplicate',
  CannotReproduce = 'cannot_reproduce',
}

export enum KnownErrorState {
  Published = 'published',
  Retired = 'retired',
}

/** What a detection rule counts together: incidents of one CI and category, or of one business service and category. */
export enum DetectionScope {
  Ci = 'ci',
  Service = 'service',
}

/** How an incident came to be linked to a problem. */
export enum ProblemLinkSource {
  Manual = 'manual',
  Detected = 'detected',
}

export const PROBLEM_SORTS = ['createdAt', '-createdAt', 'updatedAt', '-updatedAt', 'priority', '-priority', 'number', '-number'] as const;
export type ProblemSort = (typeof PROBLEM_SORTS)[number];

/** The cause categories a service starts with (`PROBLEM_CAUSE_CATEGORIES` replaces the list). */
export const DEFAULT_CAUSE_CATEGORIES = ['software', 'hardware', 'configuration', 'capacity', 'network', 'process', 'third_party', 'security', 'unknown'] as const;

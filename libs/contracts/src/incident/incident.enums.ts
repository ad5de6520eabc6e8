/** How widely the business is affected: 1 high (many users or a whole service) … 3 low (one user). */
export const Impact = { High: 1, Medium: 2, Low: 3 } as const;
export type Impact = (typeof Impact)[keyof typeof Impact];

/** How soon the business needs a resolution: 1 high … 3 low. */
export const Urgency = { High: 1, Medium: 2, Low: 3 } as const;
export type Urgency = (typeof Urgency)[keyof typeof Urgency];

/** P1 critical … P5 planning; derived from impact × urgency unless overridden with a reason. */
export enum Priority {
  P1 = 'P1',
  P2 = 'P2',
  P3 = 'P3',
  P4 = 'P4',
  P5 = 'P5',
}

export enum IncidentState {
  New = 'new',
  InProgress = 'in_progress',
  OnHold = 'on_hold',
  Resolved = 'resolved',
  Closed = 'closed',
  Canceled = 'canceled',
  /** Closed as a duplicate of another incident (`mergedIntoId`). */
  Merged = 'merged',
}

export enum HoldReason {
  AwaitingCaller = 'awaiting_caller',
  AwaitingChange = 'awaiting_change',
  AwaitingVendor = 'awaiting_vendor',
}

export enum ResolutionCode {
  PermanentFix = 'permanent_fix',
  Workaround = 'workaround',
  ResolvedByCaller = 'resolved_by_caller',
  NotReproducible = 'not_reproducible',
  KnownError = 'known_error',
}

export enum Channel {
  Api = 'api',
  Email = 'email',
  Portal = 'portal',
  Monitoring = 'monitoring',
}

export enum CommentVisibility {
  /** A comment: the caller sees it. */
  Public = 'public',
  /** A work note: agents only, never shown or sent to requesters. */
  Internal = 'internal',
}

export const INCIDENT_SORTS = ['createdAt', '-createdAt', 'updatedAt', '-updatedAt', 'priority', '-priority', 'number', '-number'] as const;
export type IncidentSort = (typeof INCIDENT_SORTS)[number];

export enum Impact {
  High = 'high',
  Medium = 'medium',
  Low = 'low',
}

export enum Urgency {
  High = 'high',
  Medium = 'medium',
  Low = 'low',
}

/** 1 is the most urgent (critical), 5 the least (planning). */
export enum Priority {
  Critical = 1,
  High = 2,
  Moderate = 3,
  Low = 4,
  Planning = 5,
}

export enum IncidentState {
  New = 'new',
  InProgress = 'in_progress',
  OnHold = 'on_hold',
  Resolved = 'resolved',
  Closed = 'closed',
  Cancelled = 'cancelled',
}

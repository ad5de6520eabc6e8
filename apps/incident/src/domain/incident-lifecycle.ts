import { type HoldReason, IncidentError, IncidentErrorCode, IncidentState, type ResolutionCode, type TransitionIncidentDto } from '@itsm/contracts';

const { New, InProgress, OnHold, Resolved, Closed, Canceled, Merged } = IncidentState;

/**
 * The incident state machine: new → in_progress ⇄ on_hold, in_progress → resolved → closed, resolved →
 * in_progress (reopen, within the window), and canceled or merged (as a duplicate) from any open state.
 * Closed, canceled and merged are final.
 */
export const INCIDENT_TRANSITIONS: Readonly<Record<IncidentState, readonly IncidentState[]>> = {
  [New]: [InProgress, Canceled, Merged],
  [InProgress]: [OnHold, Resolved, Canceled, Merged],
  [OnHold]: [InProgress, Canceled, Merged],
  [Resolved]: [InProgress, Closed],
  [Closed]: [],
  [Canceled]: [],
  [Merged]: [],
};

/** What the caller (a requester) may do to their own incident: withdraw it, accept or reject the resolution. */
const CALLER_TRANSITIONS: Readonly<Partial<Record<IncidentState, readonly IncidentState[]>>> = {
  [New]: [Canceled],
  [Resolved]: [InProgress, Closed],
};

export const OPEN_STATES: readonly IncidentState[] = [New, InProgress, OnHold];
export const FINAL_STATES: readonly IncidentState[] = [Closed, Canceled, Merged];

/** Fields each target state needs; any other transition field is refused. */
const REQUIRED_FIELDS: Readonly<Partial<Record<IncidentState, ReadonlyArray<keyof TransitionIncidentDto>>>> = {
  [OnHold]: ['holdReason'],
  [Resolved]: ['resolutionCode', 'resolutionNotes'],
  [Canceled]: ['reason'],
  [Merged]: ['into'],
};
const TRANSITION_FIELDS: ReadonlyArray<keyof TransitionIncidentDto> = ['holdReason', 'resolutionCode', 'resolutionNotes', 'reason', 'into'];

export interface LifecycleSnapshot {
  state: IncidentState;
  resolvedAt: Date | null;
  reopenCount: number;
}

/** The columns a transition sets. */
export interface LifecyclePatch {
  state: IncidentState;
  holdReason?: HoldReason | null;
  resolutionCode?: ResolutionCode | null;
  resolutionNotes?: string | null;
  resolvedAt?: Date | null;
  closedAt?: Date | null;
  reopenCount?: number;
  mergedIntoId?: string | null;
}

export interface TransitionPlan {
  patch: LifecyclePatch;
  reopened: boolean;
}

export function allowedTransitions(from: IncidentState, asCaller: boolean): readonly IncidentState[] {
  return asCaller ? (CALLER_TRANSITIONS[from] ?? []) : INCIDENT_TRANSITIONS[from];
}

/**
 * Checks a move and says what it changes. `asCaller` is true when a requester acts on their own incident;
 * `reopenWindowMs` bounds how long after resolution an incident may be reopened.
 */
export function planTransition(incident: LifecycleSnapshot, input: TransitionIncidentDto, options: { asCaller: boolean; now: Date; reopenWindowMs: number }): TransitionPlan {
  const { to } = input;
  const allowed = allowedTransitions(incident.state, options.asCaller);
  if (!allowed.includes(to)) {
    const everAllowed = INCIDENT_TRANSITIONS[incident.state].includes(to);
    if (everAllowed && options.asCaller) {
      throw new IncidentError(IncidentErrorCode.RequesterTransitionForbidden, `a requester may not move an incident from ${incident.state} to ${to}`, { from: incident.state, to, allowed });
    }
    const list = allowed.length > 0 ? allowed.join(', ') : INCIDENT_TRANSITIONS[incident.state].length === 0 ? 'none (the state is final)' : 'none for a requester';
    throw new IncidentError(IncidentErrorCode.InvalidTransition, `an incident cannot move from ${incident.state} to ${to}; allowed: ${list}`, {
      from: incident.state,
      to,
      allowed,
    });
  }
  checkFields(input, incident.state);
  const { now } = options;
  switch (to) {
    case InProgress:
      if (incident.state === Resolved) {
        if (!input.reason) throw missing('reason', 'is required to reopen an incident');
        const resolvedAt = incident.resolvedAt ?? now;
        if (now.getTime() - resolvedAt.getTime() > options.reopenWindowMs) {
          throw new IncidentError(IncidentErrorCode.ReopenWindowPassed, `the reopen window has passed: the incident was resolved at ${resolvedAt.toISOString()}; open a new incident instead`, {
            from: incident.state,
            to,
            allowed: [Closed],
            resolvedAt: resolvedAt.toISOString(),
          });
        }
        return {
          patch: { state: InProgress, resolutionCode: null, resolutionNotes: null, resolvedAt: null, reopenCount: incident.reopenCount + 1 },
          reopened: true,
        };
      }
      return { patch: { state: InProgress, holdReason: null }, reopened: false };
    case OnHold:
      return { patch: { state: OnHold, holdReason: input.holdReason ?? null }, reopened: false };
    case Resolved:
      return {
        patch: { state: Resolved, holdReason: null, resolutionCode: input.resolutionCode ?? null, resolutionNotes: input.resolutionNotes ?? null, resolvedAt: now },
        reopened: false,
      };
    case Closed:
      return { patch: { state: Closed, closedAt: now }, reopened: false };
    case Canceled:
      return { patch: { state: Canceled, holdReason: null, closedAt: now }, reopened: false };
    case Merged:
      return { patch: { state: Merged, holdReason: null, closedAt: now, mergedIntoId: input.into ?? null }, reopened: false };
    default:
      throw new IncidentError(IncidentErrorCode.InvalidTransition, `an incident cannot move to ${to}`, { from: incident.state, to, allowed });
  }
}

/**
 * Resolving an incident because what it reported was fixed elsewhere (its problem's permanent fix): from any open
 * state, as a child is resolved with its parent, without the steps a person's move takes.
 */
export function resolvedElsewhere(incident: { number: string; state: IncidentState }, resolution: { resolutionCode: ResolutionCode; resolutionNotes: string }, now: Date): LifecyclePatch {
  if (!OPEN_STATES.includes(incident.state)) {
    throw new IncidentError(IncidentErrorCode.InvalidTransition, `incident ${incident.number} is ${incident.state}; only an open incident is resolved with its problem`, {
      from: incident.state,
      to: Resolved,
      allowed: INCIDENT_TRANSITIONS[incident.state],
    });
  }
  return { state: Resolved, holdReason: null, resolutionCode: resolution.resolutionCode, resolutionNotes: resolution.resolutionNotes, resolvedAt: now };
}

function checkFields(input: TransitionIncidentDto, from: IncidentState): void {
  const required = REQUIRED_FIELDS[input.to] ?? [];
  const reopening = from === Resolved && input.to === InProgress;
  const errors = [
    ...required.filter((field) => input[field] === undefined).map((field) => ({ field, message: `is required to move to ${input.to}` })),
    ...TRANSITION_FIELDS.filter((field) => input[field] !== undefined && !required.includes(field) && !(field === 'reason' && reopening)).map((field) => ({
      field,
      message: `does not apply to a move to ${input.to}`,
    })),
  ];
  if (errors.length > 0) {
    throw new IncidentError(IncidentErrorCode.TransitionFieldsInvalid, `the move to ${input.to} has missing or foreign fields: ${errors.map((e) => e.field).join(', ')}`, { errors });
  }
}

function missing(field: string, message: string): IncidentError {
  return new IncidentError(IncidentErrorCode.TransitionFieldsInvalid, `${field} ${message}`, { errors: [{ field, message }] });
}

/** Closed, canceled and merged incidents are history: no field, comment or link changes them any more. */
export function assertOpenForChanges(incident: { number: string; state: IncidentState }): void {
  if (FINAL_STATES.includes(incident.state)) {
    throw new IncidentError(IncidentErrorCode.FinalState, `incident ${incident.number} is ${incident.state}; a final incident cannot be changed`, { state: incident.state });
  }
}

import { ChangeApprovalState, ChangeState, ChangeType } from '@itsm/contracts';
import type { Interval } from './windows';

/**
 * The deployment gate pipelines ask before they run a change: open only for an approved (or standard) change in
 * scheduled or implement, inside its planned window, with no blackout in force on its CIs. When it is closed, the
 * reasons say everything that is missing at once, so a pipeline's log tells the whole story.
 */

/** A blackout occurrence covering one of the change's CIs (or global). */
export interface BlackoutInForce {
  name: string;
  occurrence: Interval;
}

export interface GateInput {
  type: ChangeType;
  state: ChangeState;
  /** Where the change's approval stands; null when none was requested. */
  approvalState: ChangeApprovalState | null;
  /** The planned window. */
  window: Interval;
  /** Blackout occurrences covering its CIs around now; those that do not hold `now` are passed over. */
  blackoutsNow: readonly BlackoutInForce[];
  now: Date;
}

export interface GateResult {
  allowed: boolean;
  reasons: string[];
}

const GATE_STATES: readonly ChangeState[] = [ChangeState.Scheduled, ChangeState.Implement];

export function evaluateGate(input: GateInput): GateResult {
  const { type, state, approvalState, window, blackoutsNow, now } = input;
  const reasons: string[] = [];
  if (type !== ChangeType.Standard && approvalState !== ChangeApprovalState.Approved) {
    reasons.push(approvalState === null ? `The change is not approved: no approval was requested (${type} changes need one)` : `The change is not approved: its approval is ${approvalState}`);
  }
  if (!GATE_STATES.includes(state)) {
    reasons.push(`The change is in state ${state}; the gate opens only in ${GATE_STATES.join(' or ')}`);
  }
  const at = now.getTime();
  if (at < window.start.getTime()) {
    reasons.push(`It is ${now.toISOString()}, before the planned window opens at ${window.start.toISOString()}`);
  } else if (at >= window.end.getTime()) {
    reasons.push(`It is ${now.toISOString()}, after the planned window closed at ${window.end.toISOString()}`);
  }
  for (const blackout of blackoutsNow) {
    if (blackout.occurrence.start.getTime() <= at && at < blackout.occurrence.end.getTime()) {
      reasons.push(`Blackout "${blackout.name}" is in force until ${blackout.occurrence.end.toISOString()}`);
    }
  }
  return { allowed: reasons.length === 0, reasons };
}

/** One change of a release and its gate. */
export interface ReleaseChangeGate {
  number: string;
  gate: GateResult;
}

/**
 * A release's gate: open only when every change's gate is. Reasons carry the change's number; a release without
 * changes has nothing to deploy and stays closed.
 */
export function releaseGate(changeGates: readonly ReleaseChangeGate[]): GateResult {
  if (changeGates.length === 0) return { allowed: false, reasons: ['The release has no changes'] };
  const reasons = changeGates.flatMap(({ number, gate }) => (gate.allowed ? [] : gate.reasons.map((reason) => `${number}: ${reason}`)));
  return { allowed: changeGates.every(({ gate }) => gate.allowed), reasons };
}

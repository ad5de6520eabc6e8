import { ApprovalDecision, ApprovalType, type FieldError, MAX_APPROVERS, RequestState } from '@itsm/contracts';

/** The approval rules of a catalog item, as stored with it and copied onto each request. */
export interface ApprovalPolicy {
  type: ApprovalType;
  group?: string;
  approvers?: readonly string[];
  required?: number;
}

/** One approval step of a request: a person (`approverId`) or a group, and its decision so far. */
export interface ApprovalStep {
  approverId: string | null;
  group: string | null;
  decision: ApprovalDecision;
}

export type ApprovalOutcome = 'pending' | 'approved' | 'rejected';

/** Rules class-validator cannot say: which fields go with which type, and `required` ≤ number of approvers. */
export function checkApprovalPolicy(policy: ApprovalPolicy, field = 'approval'): FieldError[] {
  const errors: FieldError[] = [];
  const refuse = (name: keyof ApprovalPolicy, message: string): void => {
    errors.push({ field: `${field}.${name}`, message });
  };
  if (policy.type !== ApprovalType.Group && policy.group !== undefined) refuse('group', `is only allowed with type ${ApprovalType.Group}`);
  if (policy.type !== ApprovalType.NOfM) {
    if (policy.approvers !== undefined) refuse('approvers', `are only allowed with type ${ApprovalType.NOfM}`);
    if (policy.required !== undefined) refuse('required', `is only allowed with type ${ApprovalType.NOfM}`);
  }
  if (policy.type === ApprovalType.Group && !policy.group) refuse('group', 'is required with type group');
  if (policy.type === ApprovalType.NOfM) {
    const approvers = policy.approvers ?? [];
    if (approvers.length === 0) refuse('approvers', 'must name at least one approver');
    if (approvers.length > MAX_APPROVERS) refuse('approvers', `must name at most ${MAX_APPROVERS} approvers`);
    if (new Set(approvers).size !== approvers.length) refuse('approvers', 'must not name an approver twice');
    if (policy.required === undefined || !Number.isInteger(policy.required) || policy.required < 1) refuse('required', 'must be a whole number of at least 1');
    else if (approvers.length > 0 && policy.required > approvers.length) refuse('required', `must not exceed the number of approvers (${approvers.length})`);
  }
  return errors;
}

/** How many approvals settle a request: none needs 0, a manager or a group 1, n of m `n`. */
export function requiredApprovals(policy: ApprovalPolicy): number {
  switch (policy.type) {
    case ApprovalType.None:
      return 0;
    case ApprovalType.NOfM:
      return policy.required ?? 0;
    default:
      return 1;
  }
}

export type StepsResult = { ok: true; steps: Array<Pick<ApprovalStep, 'approverId' | 'group'>> } | { ok: false; reason: 'no_manager' };

/** The approval steps a new request gets: one per named approver, one for the manager, one for the group. */
export function approvalStepsFor(policy: ApprovalPolicy, requester: { managerId?: string | null }): StepsResult {
  switch (policy.type) {
    case ApprovalType.None:
      return { ok: true, steps: [] };
    case ApprovalType.Manager:
      return requester.managerId ? { ok: true, steps: [{ approverId: requester.managerId, group: null }] } : { ok: false, reason: 'no_manager' };
    case ApprovalType.Group:
      return { ok: true, steps: [{ approverId: null, group: policy.group ?? null }] };
    case ApprovalType.NOfM:
      return { ok: true, steps: (policy.approvers ?? []).map((approverId) => ({ approverId, group: null })) };
  }
}

/**
 * Where the approvals stand: approved as soon as `required` approvals are in; rejected as soon as the steps
 * still undecided can no longer bring the approvals up to `required`; pending otherwise. For a manager or a
 * group (one step, one approval needed) the first decision settles it.
 */
export function approvalOutcome(policy: ApprovalPolicy, steps: readonly Pick<ApprovalStep, 'decision'>[]): ApprovalOutcome {
  const required = requiredApprovals(policy);
  const approvals = steps.filter((step) => step.decision === ApprovalDecision.Approved).length;
  const undecided = steps.filter((step) => step.decision === ApprovalDecision.Pending).length;
  if (approvals >= required) return 'approved';
  if (approvals + undecided < required) return 'rejected';
  return 'pending';
}

/** Who an approval rule is about: the acting user's subject and token groups. */
export interface Approver {
  sub: string;
  groups?: readonly string[] | undefined;
}

/** Whether a step is the actor's: theirs by subject, or their group's. */
function isStepOf(step: Pick<ApprovalStep, 'approverId' | 'group'>, actor: Approver): boolean {
  return (step.approverId !== null && step.approverId === actor.sub) || (step.group !== null && (actor.groups ?? []).includes(step.group));
}

/** Whether the actor is among the approvers of a request, decided or not (approvers see what they are asked to decide). */
export function isApprover(actor: Approver, steps: readonly Pick<ApprovalStep, 'approverId' | 'group'>[]): boolean {
  return steps.some((step) => isStepOf(step, actor));
}

export type StepLookup = { ok: true; index: number } | { ok: false; reason: 'not_approver' | 'already_decided' };

/** The step an actor decides: theirs by subject, or their group's; an actor without a pending one cannot decide. */
export function stepOf(steps: readonly ApprovalStep[], actor: Approver): StepLookup {
  const mine = steps.map((step, index) => ({ step, index })).filter(({ step }) => isStepOf(step, actor));
  if (mine.length === 0) return { ok: false, reason: 'not_approver' };
  const pending = mine.find(({ step }) => step.decision === ApprovalDecision.Pending);
  return pending ? { ok: true, index: pending.index } : { ok: false, reason: 'already_decided' };
}

/** Why a decision is refused: the requester's own request, not an approver, decided before, or no longer waiting for approvals. */
export type DecisionRefusal = 'own_request' | 'not_approver' | 'already_decided' | 'not_awaiting_approval';

export type DecisionCheck = { ok: true; index: number } | { ok: false; refusal: DecisionRefusal };

/**
 * Whether the actor may decide on a request now, and which step is theirs. Segregation of duties comes first:
 * nobody approves what they asked for, even when they are among the approvers. Then the actor needs a step of
 * their own still pending, and the request must still be waiting for approvals.
 */
export function checkDecision(request: { requesterId: string; state: RequestState }, steps: readonly ApprovalStep[], actor: Approver): DecisionCheck {
  if (request.requesterId === actor.sub) return { ok: false, refusal: 'own_request' };
  const lookup = stepOf(steps, actor);
  if (!lookup.ok) return { ok: false, refusal: lookup.reason };
  if (request.state !== RequestState.AwaitingApproval) return { ok: false, refusal: 'not_awaiting_approval' };
  return lookup;
}

/** Where the approvals stand once the step at `index` takes `decision` (the others as they are). */
export function outcomeAfter(policy: ApprovalPolicy, steps: readonly Pick<ApprovalStep, 'decision'>[], index: number, decision: ApprovalDecision): ApprovalOutcome {
  return approvalOutcome(
    policy,
    steps.map((step, i) => (i === index ? { decision } : step)),
  );
}

import { ChangeApprovalState, ChangeError, ChangeErrorCode, ChangeType, ChangeVote, CommonError, CommonErrorCode, RiskLevel, Role } from '@itsm/contracts';

/**
 * Who must approve a change, and the arithmetic of votes: any reject vetoes, a quorum of distinct approvers approves.
 * Each vote counts for one principal: the voter, or the role holder who delegated their vote to the voter. A principal
 * counts once, whoever casts their vote and in whatever order the votes come.
 */

export interface ApprovalPolicy {
  name: string;
  /** The role an approver must hold (admins hold every role). */
  role: Role;
  /** How many distinct approvals approve. */
  quorum: number;
}

/** The policy for each (type, risk level) that needs approval; standard changes need none. */
export type ApprovalPolicies = Record<ChangeType.Normal | ChangeType.Emergency, Record<RiskLevel, ApprovalPolicy>>;

const MANAGER: ApprovalPolicy = { name: 'manager', role: Role.Manager, quorum: 1 };
const ECAB: ApprovalPolicy = { name: 'ecab', role: Role.Cab, quorum: 1 };

/**
 * The defaults of CHANGE_APPROVAL_POLICIES: a normal change of low or moderate risk needs one manager, of high risk
 * two CAB members, of very high risk three; an emergency change of any risk needs one member of the ECAB (role cab).
 */
export const DEFAULT_APPROVAL_POLICIES: ApprovalPolicies = {
  [ChangeType.Normal]: {
    [RiskLevel.Low]: MANAGER,
    [RiskLevel.Moderate]: MANAGER,
    [RiskLevel.High]: { name: 'cab', role: Role.Cab, quorum: 2 },
    [RiskLevel.VeryHigh]: { name: 'cab', role: Role.Cab, quorum: 3 },
  },
  [ChangeType.Emergency]: { [RiskLevel.Low]: ECAB, [RiskLevel.Moderate]: ECAB, [RiskLevel.High]: ECAB, [RiskLevel.VeryHigh]: ECAB },
};

export const MAX_QUORUM = 20;

/** The policy a change of this type and risk level is approved by; null for a standard change (pre-approved by its template). */
export function policyFor(type: ChangeType, level: RiskLevel, policies: ApprovalPolicies = DEFAULT_APPROVAL_POLICIES): ApprovalPolicy | null {
  return type === ChangeType.Standard ? null : policies[type][level];
}

/** A vote as recorded. Times are RFC 3339 instants, as the approval is stored and shown. */
export interface ApprovalVote {
  approverId: string;
  /** The role holder the voter voted for as their delegate; null for a vote in the voter's own name. */
  onBehalfOf: string | null;
  decision: ChangeVote;
  comment: string | null;
  at: string;
}

export interface ApprovalDelegation {
  from: string;
  to: string;
  at: string;
}

/** A change's approval, as kept on the change (ChangeApproval). */
export interface Approval {
  policy: string;
  role: Role;
  quorum: number;
  state: ChangeApprovalState;
  votes: readonly ApprovalVote[];
  delegations: readonly ApprovalDelegation[];
  requestedAt: string;
  decidedAt: string | null;
}

/** A new, pending approval by `policy`. */
export function requestApproval(policy: ApprovalPolicy, at: Date): Approval {
  return { policy: policy.name, role: policy.role, quorum: policy.quorum, state: ChangeApprovalState.Pending, votes: [], delegations: [], requestedAt: at.toISOString(), decidedAt: null };
}

/** Whether someone with `roles` may approve for a policy asking `role`: they hold it, or are an admin. */
export function holdsApproverRole(roles: readonly Role[], role: Role): boolean {
  return roles.includes(role) || roles.includes(Role.Admin);
}

/** The principal a vote counts for. */
export const principalOf = (vote: Pick<ApprovalVote, 'approverId' | 'onBehalfOf'>): string => vote.onBehalfOf ?? vote.approverId;

/**
 * The state votes lead to: rejected when any vote rejects; approved when at least `quorum` distinct principals
 * approved; else pending. Order and repetition do not matter.
 */
export function evaluateVotes(votes: readonly Pick<ApprovalVote, 'approverId' | 'onBehalfOf' | 'decision'>[], quorum: number): ChangeApprovalState {
  if (votes.some((vote) => vote.decision === ChangeVote.Reject)) return ChangeApprovalState.Rejected;
  const approvers = new Set(votes.filter((vote) => vote.decision === ChangeVote.Approve).map(principalOf));
  return approvers.size >= quorum ? ChangeApprovalState.Approved : ChangeApprovalState.Pending;
}

export interface VoteRequest {
  approverId: string;
  roles: readonly Role[];
  decision: ChangeVote;
  comment?: string;
  at: Date;
}

export interface DelegationRequest {
  from: string;
  fromRoles: readonly Role[];
  to: string;
  at: Date;
}

/**
 * Why a vote or a delegation is refused ({@link approvalRefusalError} turns it into the error to answer with):
 * - `not_pending`: the approval is already decided (or the change does not await approval) → 409 `CHANGE_NOT_AWAITING_APPROVAL`;
 * - `role_required`: the voter (or delegator) holds not the policy's role and votes for no one who does → 403 `CHANGE_APPROVER_ROLE_REQUIRED`;
 * - `already_voted`: the vote, or the delegator's vote, was cast already (`principal` names whose) → 409 `CHANGE_ALREADY_VOTED`;
 * - `already_delegated`: the delegator delegated before (to `to`): one delegation each, their vote is given away → 409 `CHANGE_ALREADY_VOTED`;
 * - `self_delegation`: a delegation to oneself → 400 `INVALID_REQUEST` naming `to`.
 */
export type ApprovalRefusal =
  | { kind: 'not_pending'; state: ChangeApprovalState }
  | { kind: 'role_required'; role: Role }
  | { kind: 'already_voted'; principal: string }
  | { kind: 'already_delegated'; from: string; to: string }
  | { kind: 'self_delegation'; from: string };

export type ApprovalCheck = { ok: true; approval: Approval; vote?: ApprovalVote } | { ok: false; refusal: ApprovalRefusal };

/**
 * Casts a vote. A holder of the policy's role who has not voted votes in their own name; otherwise the vote goes for
 * the first (by delegation order) delegator who delegated to the voter and whose vote is not yet cast. The approval
 * is decided as soon as a vote rejects or the quorum approves; `decidedAt` is then the vote's time.
 */
export function castVote(approval: Approval, request: VoteRequest): ApprovalCheck {
  if (approval.state !== ChangeApprovalState.Pending) return { ok: false, refusal: { kind: 'not_pending', state: approval.state } };
  const { approverId, roles, decision, at } = request;
  const voted = new Set(approval.votes.map(principalOf));
  const holdsRole = holdsApproverRole(roles, approval.role);
  const delegators = approval.delegations.filter((delegation) => delegation.to === approverId).map((delegation) => delegation.from);

  let onBehalfOf: string | null;
  if (holdsRole && !voted.has(approverId)) onBehalfOf = null;
  else {
    const pending = delegators.find((delegator) => !voted.has(delegator));
    if (pending !== undefined) onBehalfOf = pending;
    else if (holdsRole) return { ok: false, refusal: { kind: 'already_voted', principal: approverId } };
    else if (delegators.length > 0) return { ok: false, refusal: { kind: 'already_voted', principal: delegators[0] as string } };
    else return { ok: false, refusal: { kind: 'role_required', role: approval.role } };
  }

  const vote: ApprovalVote = { approverId, onBehalfOf, decision, comment: request.comment ?? null, at: at.toISOString() };
  const votes = [...approval.votes, vote];
  const state = evaluateVotes(votes, approval.quorum);
  return { ok: true, approval: { ...approval, votes, state, decidedAt: state === ChangeApprovalState.Pending ? null : vote.at }, vote };
}

/**
 * Lets a holder of the policy's role hand their vote to someone else, who then votes for them once (the delegate
 * needs not hold the role). The delegator must not have voted and may delegate once; they may still vote themselves,
 * and whichever of the two votes first counts.
 */
export function delegate(approval: Approval, request: DelegationRequest): ApprovalCheck {
  const { from, fromRoles, to, at } = request;
  if (approval.state !== ChangeApprovalState.Pending) return { ok: false, refusal: { kind: 'not_pending', state: approval.state } };
  if (!holdsApproverRole(fromRoles, approval.role)) return { ok: false, refusal: { kind: 'role_required', role: approval.role } };
  if (to === from) return { ok: false, refusal: { kind: 'self_delegation', from } };
  if (approval.votes.some((vote) => principalOf(vote) === from)) return { ok: false, refusal: { kind: 'already_voted', principal: from } };
  const earlier = approval.delegations.find((delegation) => delegation.from === from);
  if (earlier) return { ok: false, refusal: { kind: 'already_delegated', from, to: earlier.to } };
  return { ok: true, approval: { ...approval, delegations: [...approval.delegations, { from, to, at: at.toISOString() }] } };
}

/**
 * Reads CHANGE_APPROVAL_POLICIES: a JSON object with `normal` and/or `emergency`, each either one policy for every
 * risk level (`{"name":"ecab","role":"cab","quorum":1}`) or an object by level (`low`, `moderate`, `high`,
 * `very_high`, any of them). What is left out keeps its default. A policy has a name (1..50 characters), a role
 * other than requester, and a whole quorum of 1..20. Standard changes need no approval and take no policy.
 * Throws a message naming the bad part.
 */
export function parseApprovalPolicies(json: string): ApprovalPolicies {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new Error('must be a JSON object of approval policies');
  }
  if (!isObject(value)) throw new Error('must be a JSON object of approval policies');
  const types = [ChangeType.Normal, ChangeType.Emergency] as const;
  const unknown = Object.keys(value).filter((key) => !(types as readonly string[]).includes(key));
  if (unknown.length > 0) throw new Error(`has unknown change types: ${unknown.join(', ')} (standard changes need no approval; known: normal, emergency)`);
  const levels = Object.values(RiskLevel);
  const policies: ApprovalPolicies = { normal: { ...DEFAULT_APPROVAL_POLICIES.normal }, emergency: { ...DEFAULT_APPROVAL_POLICIES.emergency } };
  for (const type of types) {
    const given = value[type];
    if (given === undefined) continue;
    if (!isObject(given)) throw new Error(`${type} must be a policy or an object of policies by risk level`);
    if ('role' in given || 'quorum' in given || 'name' in given) {
      const policy = policyOf(given, type);
      for (const level of levels) policies[type][level] = policy;
      continue;
    }
    const unknownLevels = Object.keys(given).filter((key) => !(levels as string[]).includes(key));
    if (unknownLevels.length > 0) throw new Error(`${type} has unknown risk levels: ${unknownLevels.join(', ')} (known: ${levels.join(', ')})`);
    for (const level of levels) if (given[level] !== undefined) policies[type][level] = policyOf(given[level], `${type}.${level}`);
  }
  return policies;
}

function policyOf(value: unknown, where: string): ApprovalPolicy {
  if (!isObject(value)) throw new Error(`${where} must be a policy object { name, role, quorum }`);
  const unknown = Object.keys(value).filter((key) => !['name', 'role', 'quorum'].includes(key));
  if (unknown.length > 0) throw new Error(`${where} has unknown fields: ${unknown.join(', ')}`);
  const { name, role, quorum } = value;
  if (typeof name !== 'string' || name.trim().length === 0 || name.length > 50) throw new Error(`${where}.name must be a name of 1..50 characters`);
  const approverRoles = Object.values(Role).filter((candidate) => candidate !== Role.Requester && candidate !== Role.Auditor);
  if (typeof role !== 'string' || !(approverRoles as string[]).includes(role)) throw new Error(`${where}.role must be one of ${approverRoles.join(', ')}`);
  if (typeof quorum !== 'number' || !Number.isInteger(quorum) || quorum < 1 || quorum > MAX_QUORUM) throw new Error(`${where}.quorum must be a whole number within 1..${MAX_QUORUM}`);
  return { name: name.trim(), role: role as Role, quorum };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The error a refused vote or delegation is answered with (see {@link ApprovalRefusal}). */
export function approvalRefusalError(refusal: ApprovalRefusal): ChangeError | CommonError {
  switch (refusal.kind) {
    case 'not_pending':
      return new ChangeError(ChangeErrorCode.NotAwaitingApproval, `the approval is ${refusal.state}; it takes no more votes or delegations`, { approvalState: refusal.state });
    case 'role_required':
      return new ChangeError(ChangeErrorCode.ApproverRoleRequired, `only holders of the role ${refusal.role}, or their delegates, may vote on this change`, { role: refusal.role });
    case 'already_voted':
      return new ChangeError(ChangeErrorCode.AlreadyVoted, `${refusal.principal} already voted on this change`, { approverId: refusal.principal });
    case 'already_delegated':
      return new ChangeError(ChangeErrorCode.AlreadyVoted, `${refusal.from} already delegated their vote to ${refusal.to}`, { approverId: refusal.from, delegatedTo: refusal.to });
    case 'self_delegation':
      return new CommonError(CommonErrorCode.InvalidRequest, 'a vote cannot be delegated to oneself', { errors: [{ field: 'to', message: 'must be someone other than the delegator' }] });
  }
}

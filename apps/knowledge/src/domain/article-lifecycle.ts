import { ArticleState, KnowledgeError, KnowledgeErrorCode, type Role, RoleSets } from '@itsm/contracts';

const { Draft, InReview, Published, Retired } = ArticleState;

/**
 * The article state machine: draft → in_review → published → retired, and in_review → draft when a reviewer sends it
 * back with a comment. Approval publishes. Retired is final.
 *
 * The state checked is that of the content version the move acts on: the newest version for submit, approve and send
 * back (a published article being reworked has a newest version in draft or in_review while readers still see the
 * published one), the article for retire (only a published article is retired).
 */
export const ARTICLE_TRANSITIONS: Readonly<Record<ArticleState, readonly ArticleState[]>> = {
  [Draft]: [InReview],
  [InReview]: [Published, Draft],
  [Published]: [Retired],
  [Retired]: [],
};

export const FINAL_ARTICLE_STATES: readonly ArticleState[] = [Retired];

/** Who may submit a draft for review besides its author: those who work tickets (agents, managers, admins). */
export const SUBMIT_ROLES: readonly Role[] = RoleSets.agents;
/** Who reviews by role (besides members of the reviewer group): managers and admins. */
export const REVIEWER_ROLES: readonly Role[] = RoleSets.managers;
/** Who may retire a published article: managers and admins. */
export const RETIRE_ROLES: readonly Role[] = RoleSets.managers;

/** The states an article may move to from `state`, whoever asks. */
export function allowedFrom(state: ArticleState): readonly ArticleState[] {
  return ARTICLE_TRANSITIONS[state];
}

/** Who asks (the token's subject, roles and groups). */
export interface KnowledgeActor {
  sub: string;
  roles: readonly Role[];
  groups?: readonly string[];
}

/** What a move reads of the article: the state of the version it acts on and who wrote that version. */
export interface ArticleLifecycleSnapshot {
  state: ArticleState;
  authorId: string;
}

/** A request to move an article. `comment` is required to send an article back to draft, kept on any move. */
export interface ArticleTransitionRequest {
  to: ArticleState;
  comment?: string | null;
}

/** What the move means, for the event it emits: submitted, published, sent_back or retired. */
export type ArticleMove = 'submitted' | 'published' | 'sent_back' | 'retired';

/** What a move changes. Timestamps (publishedAt …) are stamped by the caller, who holds the clock. */
export interface ArticleLifecycleChanges {
  state: ArticleState;
  move: ArticleMove;
  /** The reviewer who approved or sent back (null on submit and retire). */
  reviewerId: string | null;
  /** The comment given (trimmed), null if none. */
  comment: string | null;
}

/**
 * Why a move is refused:
 * - `not_allowed`: the state machine has no such move; `allowed` lists what it has (empty: the state is final);
 * - `forbidden`: a submission by someone neither its author nor an agent, or a retirement by someone not a manager or
 *   admin; `roles` names who may;
 * - `reviewer_required`: an approval or send-back by someone who is neither a manager/admin nor in the reviewer group;
 * - `self_review`: the author of the version approving it (checked before `reviewer_required`, so a manager who wrote
 *   the version is told why, and an author who is no reviewer gets the more telling answer);
 * - `comment_required`: a send-back without a comment (the author needs to know what to change).
 */
export type ArticleTransitionRefusal =
  | { kind: 'not_allowed'; from: ArticleState; to: ArticleState; allowed: readonly ArticleState[] }
  | { kind: 'forbidden'; from: ArticleState; to: ArticleState; roles: readonly Role[] }
  | { kind: 'reviewer_required'; from: ArticleState; to: ArticleState; reviewerGroup: string }
  | { kind: 'self_review'; from: ArticleState; to: ArticleState }
  | { kind: 'comment_required'; from: ArticleState; to: ArticleState };

export type ArticleTransitionCheck = { ok: true; changes: ArticleLifecycleChanges } | { ok: false; refusal: ArticleTransitionRefusal };

const hasText = (value: string | null | undefined): value is string => typeof value === 'string' && value.trim() !== '';

const hasAnyRole = (actor: KnowledgeActor, roles: readonly Role[]): boolean => actor.roles.some((role) => roles.includes(role));

/** A reviewer: a manager or an admin, or a member of the reviewer group (KNOWLEDGE_REVIEWER_GROUP). */
export function isReviewer(actor: KnowledgeActor, reviewerGroup: string): boolean {
  return hasAnyRole(actor, REVIEWER_ROLES) || (actor.groups ?? []).includes(reviewerGroup);
}

/** Checks a move and says what it changes. The move is checked first, then who makes it, then the comment. */
export function checkTransition(article: ArticleLifecycleSnapshot, request: ArticleTransitionRequest, actor: KnowledgeActor, reviewerGroup: string): ArticleTransitionCheck {
  const { state: from } = article;
  const { to } = request;
  const allowed = allowedFrom(from);
  if (!allowed.includes(to)) return refuse({ kind: 'not_allowed', from, to, allowed });
  const comment = hasText(request.comment) ? request.comment.trim() : null;

  if (to === InReview) {
    if (actor.sub !== article.authorId && !hasAnyRole(actor, SUBMIT_ROLES)) return refuse({ kind: 'forbidden', from, to, roles: SUBMIT_ROLES });
    return { ok: true, changes: { state: InReview, move: 'submitted', reviewerId: null, comment } };
  }
  if (to === Retired) {
    if (!hasAnyRole(actor, RETIRE_ROLES)) return refuse({ kind: 'forbidden', from, to, roles: RETIRE_ROLES });
    return { ok: true, changes: { state: Retired, move: 'retired', reviewerId: null, comment } };
  }
  // in_review → published or draft: a review
  if (to === Published && actor.sub === article.authorId) return refuse({ kind: 'self_review', from, to });
  if (!isReviewer(actor, reviewerGroup)) return refuse({ kind: 'reviewer_required', from, to, reviewerGroup });
  if (to === Published) return { ok: true, changes: { state: Published, move: 'published', reviewerId: actor.sub, comment } };
  if (comment === null) return refuse({ kind: 'comment_required', from, to });
  return { ok: true, changes: { state: Draft, move: 'sent_back', reviewerId: actor.sub, comment } };
}

function refuse(refusal: ArticleTransitionRefusal): ArticleTransitionCheck {
  return { ok: false, refusal };
}

/**
 * The error a refused move is answered with: `not_allowed` → 409 `KNOWLEDGE_INVALID_TRANSITION` (details `from`, `to`,
 * `allowed`); `self_review` → 403 `KNOWLEDGE_SELF_REVIEW`; `reviewer_required` → 403 `KNOWLEDGE_REVIEWER_REQUIRED`
 * (details `group`); `forbidden` → 403 `KNOWLEDGE_RETIRE_FORBIDDEN` for a retirement, and for a submission (which the
 * transition RPC, open to agents only, never lets reach this check) the same 403 naming the roles;
 * `comment_required` → 422 `KNOWLEDGE_COMMENT_REQUIRED` (details `field: 'comment'`).
 */
export function transitionRefusalError(refusal: ArticleTransitionRefusal): KnowledgeError {
  const { from, to } = refusal;
  switch (refusal.kind) {
    case 'not_allowed': {
      const list = refusal.allowed.length > 0 ? refusal.allowed.join(', ') : 'none (the state is final)';
      return new KnowledgeError(KnowledgeErrorCode.InvalidTransition, `an article cannot move from ${from} to ${to}; allowed: ${list}`, { from, to, allowed: refusal.allowed });
    }
    case 'self_review':
      return new KnowledgeError(KnowledgeErrorCode.SelfReview, 'the author of an article version cannot approve it; another reviewer must', { from, to });
    case 'reviewer_required':
      return new KnowledgeError(KnowledgeErrorCode.ReviewerRequired, `only a manager or a member of the group ${refusal.reviewerGroup} may review an article`, {
        from,
        to,
        group: refusal.reviewerGroup,
      });
    case 'forbidden':
      return new KnowledgeError(KnowledgeErrorCode.RetireForbidden, `only ${refusal.roles.join(' or ')} may move an article from ${from} to ${to}`, { from, to, roles: refusal.roles });
    case 'comment_required':
      return new KnowledgeError(KnowledgeErrorCode.CommentRequired, 'sending an article back to draft needs a comment for its author', {
        from,
        to,
        field: 'comment',
        errors: [{ field: 'comment', message: 'is required to send an article back to draft' }],
      });
  }
}

/** 409 `KNOWLEDGE_FINAL_STATE`: a retired article cannot be changed (the answer to an edit {@link editPlan} refuses). */
export function finalStateError(article: { number: string; state: ArticleState }): KnowledgeError {
  return new KnowledgeError(KnowledgeErrorCode.FinalState, `article ${article.number} is ${article.state}; a retired article cannot be changed`, { state: article.state });
}

/**
 * How an edit of the content (title, body, summary, tags …) is applied, by the state of the newest version:
 * - `in_place`: a draft is edited as it is; so is a version in review, which goes back to draft (see
 *   {@link stateAfterEdit}): a reviewer approves the text they read, so a changed text is submitted again;
 * - `new_version`: a published version stays what readers see; the edit makes a new draft version (articleVersion + 1);
 * - `refused`: a retired article is final (KNOWLEDGE_FINAL_STATE).
 */
export type EditPlan = 'in_place' | 'new_version' | 'refused';

export function editPlan(state: ArticleState): EditPlan {
  switch (state) {
    case Draft:
    case InReview:
      return 'in_place';
    case Published:
      return 'new_version';
    case Retired:
      return 'refused';
  }
}

/** The state of the edited (or new) version after an edit that is not refused: always draft. */
export function stateAfterEdit(state: ArticleState): ArticleState {
  return state === Retired ? Retired : Draft;
}

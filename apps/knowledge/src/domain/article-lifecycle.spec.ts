import fc from 'fast-check';
import { ArticleState, ErrorCode, KnowledgeError, KnowledgeErrorCode, Role } from '@itsm/contracts';
import {
  allowedFrom,
  ARTICLE_TRANSITIONS,
  type ArticleLifecycleSnapshot,
  type ArticleTransitionCheck,
  type ArticleTransitionRefusal,
  checkTransition,
  editPlan,
  FINAL_ARTICLE_STATES,
  finalStateError,
  isReviewer,
  type KnowledgeActor,
  RETIRE_ROLES,
  SUBMIT_ROLES,
  stateAfterEdit,
  transitionRefusalError,
} from './article-lifecycle';

const S = ArticleState;
const STATES = Object.values(ArticleState);
const GROUP = 'knowledge-reviewers';
const AUTHOR = 'author-1';

function buildArticle(overrides: Partial<ArticleLifecycleSnapshot> = {}): ArticleLifecycleSnapshot {
  return { state: S.Draft, authorId: AUTHOR, ...overrides };
}

function buildActor(overrides: Partial<KnowledgeActor> = {}): KnowledgeActor {
  return { sub: 'someone-else', roles: [Role.Agent], groups: [], ...overrides };
}

const author = (roles: Role[] = [Role.Agent], groups: string[] = []) => buildActor({ sub: AUTHOR, roles, groups });
const manager = buildActor({ sub: 'manager-1', roles: [Role.Manager] });
const groupReviewer = buildActor({ sub: 'reviewer-1', roles: [Role.Agent], groups: ['network', GROUP] });

function changesOf(check: ArticleTransitionCheck) {
  if (!check.ok) throw new Error(`expected the move to be allowed, but it was refused: ${JSON.stringify(check.refusal)}`);
  return check.changes;
}

function refusalOf(check: ArticleTransitionCheck): ArticleTransitionRefusal {
  if (check.ok) throw new Error(`expected a refusal, but the move was allowed: ${JSON.stringify(check.changes)}`);
  return check.refusal;
}

const REFUSED_PAIRS = STATES.flatMap((from) => STATES.filter((to) => !ARTICLE_TRANSITIONS[from].includes(to)).map((to) => [from, to] as const));

describe('article lifecycle', () => {
  describe('the transition table', () => {
    it('has the moves draft → in_review → published → retired and in_review → draft, nothing out of retired', () => {
      expect(ARTICLE_TRANSITIONS).toEqual({ [S.Draft]: [S.InReview], [S.InReview]: [S.Published, S.Draft], [S.Published]: [S.Retired], [S.Retired]: [] });
      expect(FINAL_ARTICLE_STATES).toEqual([S.Retired]);
      expect(REFUSED_PAIRS).toHaveLength(16 - 4);
    });

    it('lets agents submit and managers retire', () => {
      expect([...SUBMIT_ROLES].sort()).toEqual([Role.Admin, Role.Agent, Role.Manager]);
      expect([...RETIRE_ROLES].sort()).toEqual([Role.Admin, Role.Manager]);
    });
  });

  describe('reviewers', () => {
    it.each([
      ['a manager', buildActor({ roles: [Role.Manager] }), true],
      ['an admin', buildActor({ roles: [Role.Admin] }), true],
      ['an agent in the reviewer group', groupReviewer, true],
      ['an agent outside it', buildActor({ groups: ['network'] }), false],
      ['an agent without groups', buildActor({ groups: undefined }), false],
      ['a requester', buildActor({ roles: [Role.Requester] }), false],
    ])('counts %s: %p', (_, actor, expected) => {
      expect(isReviewer(actor, GROUP)).toBe(expected);
    });

    it('reads the group from configuration', () => {
      expect(isReviewer(groupReviewer, 'kb-editors')).toBe(false);
    });
  });

  describe('draft → in_review (submit)', () => {
    it('lets the author submit', () => {
      expect(changesOf(checkTransition(buildArticle(), { to: S.InReview }, author([Role.Requester]), GROUP))).toEqual({ state: S.InReview, move: 'submitted', reviewerId: null, comment: null });
    });

    it.each([Role.Agent, Role.Manager, Role.Admin])('lets an %s who is not the author submit', (role) => {
      expect(changesOf(checkTransition(buildArticle(), { to: S.InReview, comment: ' Ready. ' }, buildActor({ roles: [role] }), GROUP))).toEqual({
        state: S.InReview,
        move: 'submitted',
        reviewerId: null,
        comment: 'Ready.',
      });
    });

    it('forbids anyone else, naming who may', () => {
      expect(refusalOf(checkTransition(buildArticle(), { to: S.InReview }, buildActor({ roles: [Role.Requester, Role.Cab] }), GROUP))).toEqual({
        kind: 'forbidden',
        from: S.Draft,
        to: S.InReview,
        roles: SUBMIT_ROLES,
      });
    });
  });

  describe('in_review → published (approve)', () => {
    const inReview = buildArticle({ state: S.InReview });

    it.each([
      ['a manager', manager],
      ['an admin', buildActor({ sub: 'admin-1', roles: [Role.Admin] })],
      ['a member of the reviewer group', groupReviewer],
    ])('lets %s approve, which publishes', (_, actor) => {
      expect(changesOf(checkTransition(inReview, { to: S.Published }, actor, GROUP))).toEqual({ state: S.Published, move: 'published', reviewerId: actor.sub, comment: null });
    });

    it.each([
      ['a manager', author([Role.Manager])],
      ['an admin', author([Role.Admin])],
      ['a member of the reviewer group', author([Role.Agent], [GROUP])],
      ['an agent', author([Role.Agent])],
    ])('refuses the author of the version approving it, even as %s', (_, actor) => {
      expect(refusalOf(checkTransition(inReview, { to: S.Published }, actor, GROUP))).toEqual({ kind: 'self_review', from: S.InReview, to: S.Published });
    });

    it('refuses an agent outside the reviewer group', () => {
      expect(refusalOf(checkTransition(inReview, { to: S.Published }, buildActor({ groups: ['network'] }), GROUP))).toEqual({
        kind: 'reviewer_required',
        from: S.InReview,
        to: S.Published,
        reviewerGroup: GROUP,
      });
    });
  });

  describe('in_review → draft (send back)', () => {
    const inReview = buildArticle({ state: S.InReview });

    it('lets a reviewer send it back with a comment', () => {
      expect(changesOf(checkTransition(inReview, { to: S.Draft, comment: '  Add the driver version.\n' }, groupReviewer, GROUP))).toEqual({
        state: S.Draft,
        move: 'sent_back',
        reviewerId: groupReviewer.sub,
        comment: 'Add the driver version.',
      });
    });

    it('lets an author who is a reviewer send their own version back (no approval is given)', () => {
      expect(changesOf(checkTransition(inReview, { to: S.Draft, comment: 'Not ready.' }, author([Role.Manager]), GROUP)).state).toBe(S.Draft);
    });

    it.each([undefined, null, '', '  \n'])('refuses a send-back with the comment %p', (comment) => {
      expect(refusalOf(checkTransition(inReview, { to: S.Draft, comment }, manager, GROUP))).toEqual({ kind: 'comment_required', from: S.InReview, to: S.Draft });
    });

    it('refuses a send-back by someone who is no reviewer before asking for the comment', () => {
      expect(refusalOf(checkTransition(inReview, { to: S.Draft }, author(), GROUP)).kind).toBe('reviewer_required');
    });
  });

  describe('published → retired', () => {
    const published = buildArticle({ state: S.Published });

    it.each([Role.Manager, Role.Admin])('lets a %s retire', (role) => {
      expect(changesOf(checkTransition(published, { to: S.Retired, comment: 'Printer model gone.' }, buildActor({ roles: [role] }), GROUP))).toEqual({
        state: S.Retired,
        move: 'retired',
        reviewerId: null,
        comment: 'Printer model gone.',
      });
    });

    it.each([
      ['an agent', buildActor()],
      ['a member of the reviewer group', groupReviewer],
      ['the author', author()],
    ])('forbids %s to retire', (_, actor) => {
      expect(refusalOf(checkTransition(published, { to: S.Retired }, actor, GROUP))).toEqual({ kind: 'forbidden', from: S.Published, to: S.Retired, roles: RETIRE_ROLES });
    });
  });

  describe('refused moves', () => {
    it.each(REFUSED_PAIRS)('refuses %s → %s as not allowed, listing what is allowed', (from, to) => {
      expect(refusalOf(checkTransition(buildArticle({ state: from }), { to, comment: 'x' }, buildActor({ roles: [Role.Admin] }), GROUP))).toEqual({
        kind: 'not_allowed',
        from,
        to,
        allowed: ARTICLE_TRANSITIONS[from],
      });
    });

    it('checks the move before who makes it', () => {
      expect(refusalOf(checkTransition(buildArticle({ state: S.Draft }), { to: S.Published }, author(), GROUP)).kind).toBe('not_allowed');
      expect(refusalOf(checkTransition(buildArticle({ state: S.Retired }), { to: S.Published }, manager, GROUP))).toEqual({ kind: 'not_allowed', from: S.Retired, to: S.Published, allowed: [] });
    });
  });

  describe('invariants', () => {
    const actorArb: fc.Arbitrary<KnowledgeActor> = fc.record({
      sub: fc.constantFrom(AUTHOR, 'other-1', 'other-2'),
      roles: fc.subarray(Object.values(Role)),
      groups: fc.subarray([GROUP, 'network']),
    });
    const articleArb = fc.record({ state: fc.constantFrom(...STATES), authorId: fc.constantFrom(AUTHOR, 'other-1') });
    const requestArb = fc.record({ to: fc.constantFrom(...STATES), comment: fc.option(fc.string({ maxLength: 5 }), { nil: undefined }) });

    it('moves only along the table, never publishes a version by its author or by a non-reviewer, never sends back without a comment', () => {
      fc.assert(
        fc.property(articleArb, requestArb, actorArb, (article, request, actor) => {
          const check = checkTransition(article, request, actor, GROUP);
          if (!check.ok) {
            if (!allowedFrom(article.state).includes(request.to)) expect(check.refusal.kind).toBe('not_allowed');
            return;
          }
          expect(check.changes.state).toBe(request.to);
          expect(allowedFrom(article.state)).toContain(request.to);
          if (check.changes.state === S.Published) {
            expect(actor.sub).not.toBe(article.authorId);
            expect(isReviewer(actor, GROUP)).toBe(true);
          }
          if (check.changes.move === 'sent_back') expect(check.changes.comment?.trim()).toBeTruthy();
          if (check.changes.state === S.Retired) expect(actor.roles.some((role) => RETIRE_ROLES.includes(role))).toBe(true);
        }),
      );
    });
  });
});

describe('editing an article', () => {
  it.each([
    [S.Draft, 'in_place', S.Draft],
    [S.InReview, 'in_place', S.Draft],
    [S.Published, 'new_version', S.Draft],
  ] as const)('edits a %s version %s, leaving the edited version %s', (state, plan, after) => {
    expect(editPlan(state)).toBe(plan);
    expect(stateAfterEdit(state)).toBe(after);
  });

  it('refuses to edit a retired article', () => {
    expect(editPlan(S.Retired)).toBe('refused');
    expect(stateAfterEdit(S.Retired)).toBe(S.Retired);
  });
});

describe('answers to refused moves', () => {
  const errorOf = (article: Partial<ArticleLifecycleSnapshot>, to: ArticleState, actor: KnowledgeActor, comment?: string) =>
    transitionRefusalError(refusalOf(checkTransition(buildArticle(article), { to, comment }, actor, GROUP)));

  it('answers a move the table lacks with 409 KNOWLEDGE_INVALID_TRANSITION listing the allowed states', () => {
    const error = errorOf({ state: S.Draft }, S.Published, manager);
    expect(error).toBeInstanceOf(KnowledgeError);
    expect(error.code).toBe(ErrorCode.INVALID_TRANSITION);
    expect(error.reason).toBe(KnowledgeErrorCode.InvalidTransition);
    expect(error.details).toEqual({ from: S.Draft, to: S.Published, allowed: [S.InReview] });
    expect(error.message).toBe('an article cannot move from draft to published; allowed: in_review');
  });

  it('says a retired article allows nothing', () => {
    expect(errorOf({ state: S.Retired }, S.Draft, manager).message).toContain('none (the state is final)');
  });

  it.each([
    ['self review', { state: S.InReview }, S.Published, author([Role.Manager]), undefined, ErrorCode.FORBIDDEN, KnowledgeErrorCode.SelfReview],
    ['a missing reviewer', { state: S.InReview }, S.Published, buildActor(), undefined, ErrorCode.FORBIDDEN, KnowledgeErrorCode.ReviewerRequired],
    ['a retirement by an agent', { state: S.Published }, S.Retired, buildActor(), undefined, ErrorCode.FORBIDDEN, KnowledgeErrorCode.RetireForbidden],
    ['a send-back without comment', { state: S.InReview }, S.Draft, manager, '  ', ErrorCode.UNPROCESSABLE, KnowledgeErrorCode.CommentRequired],
  ] as const)('answers %s with its code', (_, article, to, actor, comment, code, reason) => {
    const error = errorOf(article, to, actor, comment);
    expect(error.code).toBe(code);
    expect(error.reason).toBe(reason);
  });

  it('names the reviewer group and the comment field', () => {
    expect(errorOf({ state: S.InReview }, S.Draft, buildActor(), 'x').details).toMatchObject({ group: GROUP });
    expect(errorOf({ state: S.InReview }, S.Draft, manager).details).toMatchObject({ field: 'comment' });
  });

  it('answers an edit of a retired article with 409 KNOWLEDGE_FINAL_STATE', () => {
    const error = finalStateError({ number: 'KB0001001', state: S.Retired });
    expect(error.code).toBe(ErrorCode.CONFLICT);
    expect(error.reason).toBe(KnowledgeErrorCode.FinalState);
    expect(error.message).toBe('article KB0001001 is retired; a retired article cannot be changed');
  });
});

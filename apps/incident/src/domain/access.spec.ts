import fc from 'fast-check';
import { type Actor, CommentVisibility, DomainError, ErrorCode, IncidentErrorCode, Role } from '@itsm/contracts';
import { AGENT_ONLY_ON_CREATE, assertMayComment, assertMayOpen, assertVisible, callerGroupsAtOpening, canSee, seesWorkNotes } from './access';

const alice: Actor = { sub: 'alice', name: 'Alice Smith', roles: [Role.Requester] };
const vera: Actor = { sub: 'vera', roles: [Role.Requester], groups: ['vip'] };
const sam: Actor = { sub: 'sam', roles: [Role.Agent], groups: ['service-desk'] };
const maria: Actor = { sub: 'maria', roles: [Role.Manager] };
const ada: Actor = { sub: 'ada', roles: [Role.Admin] };
const carl: Actor = { sub: 'carl', roles: [Role.Cab] };

function refusal(run: () => unknown): DomainError {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a refusal, but it was allowed');
}

describe('who sees an incident', () => {
  it('shows agents, managers and admins every incident', () => {
    for (const actor of [sam, maria, ada]) expect(canSee(actor, { callerId: 'alice' })).toBe(true);
  });

  it('shows a requester only the incidents they are the caller of', () => {
    expect(canSee(alice, { callerId: 'alice' })).toBe(true);
    expect(canSee(alice, { callerId: 'bob' })).toBe(false);
    expect(canSee(carl, { callerId: 'bob' })).toBe(false);
  });

  it('answers another requester’s incident exactly like a missing one', () => {
    const hidden = refusal(() => assertVisible({ callerId: 'bob' }, 'id-1', alice));
    const missing = refusal(() => assertVisible(null, 'id-1', alice));
    expect(hidden).toMatchObject({ code: ErrorCode.NOT_FOUND, reason: IncidentErrorCode.NotFound, message: 'incident id-1 not found' });
    expect(missing.toBody()).toEqual(hidden.toBody());
  });

  it('lets requesters read only public comments', () => {
    expect(seesWorkNotes(alice)).toBe(false);
    expect(seesWorkNotes(sam)).toBe(true);
  });
});

describe('comments and work notes', () => {
  it('lets anyone comment, but only agents write work notes', () => {
    expect(() => assertMayComment(alice, CommentVisibility.Public)).not.toThrow();
    expect(() => assertMayComment(sam, CommentVisibility.Internal)).not.toThrow();
    expect(refusal(() => assertMayComment(alice, CommentVisibility.Internal))).toMatchObject({
      code: ErrorCode.FORBIDDEN,
      reason: IncidentErrorCode.WorkNotesAgentsOnly,
      message: 'only agents may write work notes',
    });
  });
});

describe('opening an incident', () => {
  it('lets an agent set every field', () => {
    expect(() => assertMayOpen({ assignmentGroup: 'network', assigneeId: 'sam', callerId: 'alice', callerName: 'Alice', parentId: 'p' }, sam)).not.toThrow();
  });

  it('refuses a requester the agent-only fields, naming each one they set', () => {
    const error = refusal(() => assertMayOpen({ assigneeId: 'sam', parentId: 'p' }, alice));
    expect(error).toMatchObject({ code: ErrorCode.FORBIDDEN, reason: IncidentErrorCode.AgentOnlyFields, message: 'only agents may set assigneeId, parentId' });
    expect(error.details?.errors).toEqual([
      { field: 'assigneeId', message: 'may only be set by agents' },
      { field: 'parentId', message: 'may only be set by agents' },
    ]);
  });

  it('refuses a requester exactly when they set one of the agent-only fields', () => {
    fc.assert(
      fc.property(fc.subarray([...AGENT_ONLY_ON_CREATE]), (fields) => {
        const request = Object.fromEntries(fields.map((field) => [field, 'x']));
        if (fields.length === 0) expect(() => assertMayOpen(request, alice)).not.toThrow();
        else expect(refusal(() => assertMayOpen(request, alice)).details?.errors?.map((e) => e.field)).toEqual(fields);
      }),
    );
  });
});

describe('groups of the caller at opening', () => {
  it('takes the token groups of whoever opens for themselves, once each', () => {
    expect(callerGroupsAtOpening({}, { ...vera, groups: ['vip', 'vip', 'finance'] })).toEqual(['vip', 'finance']);
    expect(callerGroupsAtOpening({ callerId: 'sam' }, sam)).toEqual(['service-desk']);
    expect(callerGroupsAtOpening({}, alice)).toEqual([]);
  });

  it('takes the groups an agent names for someone else, or none', () => {
    expect(callerGroupsAtOpening({ callerId: 'vera', callerGroups: ['vip', 'vip'] }, sam)).toEqual(['vip']);
    expect(callerGroupsAtOpening({ callerId: 'vera' }, sam)).toEqual([]);
  });

  it('refuses groups sent by someone opening for themselves, so nobody makes themselves a VIP', () => {
    for (const [request, actor] of [
      [{ callerGroups: ['vip'] }, alice],
      [{ callerGroups: [] }, alice],
      [{ callerId: 'sam', callerGroups: ['vip'] }, sam],
    ] as const) {
      const error = refusal(() => callerGroupsAtOpening({ ...request, callerGroups: [...request.callerGroups] }, actor));
      expect(error).toMatchObject({ code: ErrorCode.VALIDATION, reason: IncidentErrorCode.CallerGroupsOnlyForOthers });
      expect(error.details?.errors).toEqual([{ field: 'callerGroups', message: 'only with a callerId of someone else' }]);
    }
  });
});

import { ErrorCode, KnownErrorState, ProblemErrorCode, ProblemEvents, ProblemResolutionCode, ProblemRpc, ProblemState, type TransitionProblemDto } from '@itsm/contracts';
import { alice, maria, sam, waitFor } from '@itsm/testing';
import { PERMANENT_FIX_RETIRE_REASON, PROBLEM_TRANSITIONS } from '../src/domain/problem-lifecycle';
import { ProblemHarness } from './support/problem-harness';
import { move, problemIn, RESOLVE } from './support/problem-paths';

const S = ProblemState;
const STATES = Object.values(ProblemState);

/** The fields each target needs, for a move that is otherwise valid. */
function moveTo(from: ProblemState, to: ProblemState): TransitionProblemDto {
  switch (to) {
    case S.Resolved:
      return RESOLVE;
    case S.Canceled:
      return { to, reason: 'not a problem after all' };
    case S.FixInProgress:
      return from === S.Resolved ? { to, reason: 'the fix did not hold' } : { to };
    default:
      return { to };
  }
}

describe('problem lifecycle over RPC', () => {
  let h: ProblemHarness;

  beforeAll(async () => {
    h = await ProblemHarness.start();
  });

  afterAll(async () => {
    await h.stop();
  });

  const allowed = STATES.flatMap((from) => PROBLEM_TRANSITIONS[from].map((to) => [from, to] as const));
  it.each(allowed)('moves a problem from %s to %s, stores it and publishes state_changed', async (from, to) => {
    const problem = await problemIn(h, from);
    const moved = await move(h, problem.id, moveTo(from, to), maria);
    expect(moved).toMatchObject({ state: to, version: problem.version + 1 });
    await expect(h.row('problems', problem.id)).resolves.toMatchObject({ state: to, version: problem.version + 1 });
    const events = await waitFor(async () => {
      const found = await h.events(ProblemEvents.stateChanged, problem.id);
      return found.some((e) => e.data.problem.version === moved.version) ? found : undefined;
    });
    const event = events.find((e) => e.data.problem.version === moved.version);
    expect(event?.data).toMatchObject({ from, to });
    expect(event?.data.problem).toEqual(moved);
  });

  const refused = STATES.flatMap((from) => STATES.filter((to) => !PROBLEM_TRANSITIONS[from].includes(to)).map((to) => [from, to] as const));
  it.each(refused)('refuses the move from %s to %s with INVALID_TRANSITION naming the allowed ones, and changes nothing', async (from, to) => {
    const problem = await problemIn(h, from);
    const outboxBefore = await h.count('outbox');
    const error = await move(h, problem.id, moveTo(from, to), maria).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: ErrorCode.INVALID_TRANSITION, reason: ProblemErrorCode.InvalidTransition, details: { from, to, allowed: PROBLEM_TRANSITIONS[from] } });
    await expect(h.row('problems', problem.id)).resolves.toMatchObject({ state: from, version: problem.version });
    await expect(h.count('outbox')).resolves.toBe(outboxBefore);
  });

  it('lets only managers and admins cancel, keeping the reason', async () => {
    const problem = await problemIn(h, S.Assess);
    await expect(move(h, problem.id, { to: S.Canceled, reason: 'duplicate of another' }, sam)).rejects.toMatchObject({
      code: ErrorCode.FORBIDDEN,
      reason: ProblemErrorCode.CancelForbidden,
    });
    await expect(h.row('problems', problem.id)).resolves.toMatchObject({ state: S.Assess, version: problem.version });

    const canceled = await move(h, problem.id, { to: S.Canceled, reason: 'duplicate of another' }, maria);
    expect(canceled).toMatchObject({ state: S.Canceled, cancelReason: 'duplicate of another', canceledAt: expect.any(String) });
    const events = await h.events(ProblemEvents.stateChanged, problem.id, 2);
    expect(events.map((e) => e.data)).toEqual([expect.objectContaining({ to: S.Assess }), expect.objectContaining({ from: S.Assess, to: S.Canceled, reason: 'duplicate of another' })]);
  });

  it('refuses a cancellation without a reason, naming the field', async () => {
    const problem = await problemIn(h, S.New);
    await expect(move(h, problem.id, { to: S.Canceled }, maria)).rejects.toMatchObject({
      code: ErrorCode.UNPROCESSABLE,
      reason: ProblemErrorCode.TransitionFieldsInvalid,
      details: { field: 'reason' },
    });
  });

  it.each([
    [{ causeCategory: 'capacity' }, 'rootCause'],
    [{ rootCause: 'Too few sessions.' }, 'causeCategory'],
  ] as const)('refuses fix_in_progress while the problem has only %j, naming the missing %s', async (fields, field) => {
    let problem = await h.open(fields);
    for (const to of [S.Assess, S.RootCauseAnalysis]) problem = await move(h, problem.id, { to });
    await expect(move(h, problem.id, { to: S.FixInProgress })).rejects.toMatchObject({
      code: ErrorCode.UNPROCESSABLE,
      reason: ProblemErrorCode.RootCauseRequired,
      details: { field, errors: [expect.objectContaining({ field })] },
    });
    await expect(h.row('problems', problem.id)).resolves.toMatchObject({ state: S.RootCauseAnalysis, version: problem.version });
  });

  it.each([
    [{ to: S.Resolved, resolution: 'Enlarged the table.' }, 'resolutionCode'],
    [{ to: S.Resolved, resolutionCode: ProblemResolutionCode.RiskAccepted }, 'resolution'],
    [{ to: S.Resolved, resolutionCode: ProblemResolutionCode.RiskAccepted, resolution: '   ' }, 'resolution'],
  ] as const)('refuses to resolve without %j’s missing field %s', async (transition, field) => {
    const problem = await problemIn(h, S.FixInProgress);
    await expect(move(h, problem.id, transition as TransitionProblemDto)).rejects.toMatchObject({
      code: ErrorCode.UNPROCESSABLE,
      reason: ProblemErrorCode.ResolutionRequired,
      details: { field },
    });
    await expect(h.row('problems', problem.id)).resolves.toMatchObject({ state: S.FixInProgress, resolution_code: null });
  });

  it('refuses resolution fields on a move that is not a resolution', async () => {
    const problem = await problemIn(h, S.New);
    await expect(move(h, problem.id, { to: S.Assess, resolutionCode: ProblemResolutionCode.Duplicate })).rejects.toMatchObject({
      code: ErrorCode.UNPROCESSABLE,
      reason: ProblemErrorCode.TransitionFieldsInvalid,
      details: { field: 'resolutionCode' },
    });
  });

  it('resolves with the resolution stored and announced, then closes with closed', async () => {
    const problem = await problemIn(h, S.FixInProgress);
    const resolved = await move(h, problem.id, RESOLVE);
    expect(resolved).toMatchObject({ state: S.Resolved, resolutionCode: RESOLVE.resolutionCode, resolution: RESOLVE.resolution, resolvedAt: expect.any(String) });
    await expect(h.row('problems', problem.id)).resolves.toMatchObject({ resolution_code: RESOLVE.resolutionCode, resolution: RESOLVE.resolution });
    const [resolvedEvent] = await h.events(ProblemEvents.resolved, problem.id);
    expect(resolvedEvent?.data).toEqual({ problem: resolved, resolutionCode: RESOLVE.resolutionCode, resolution: RESOLVE.resolution });

    const closed = await move(h, problem.id, { to: S.Closed });
    expect(closed).toMatchObject({ state: S.Closed, closedAt: expect.any(String), knownError: null });
    const [closedEvent] = await h.events(ProblemEvents.closed, problem.id);
    expect(closedEvent?.data).toEqual({ problem: closed });
    await expect(h.eventsNow(ProblemEvents.knownErrorRetired, problem.id)).resolves.toEqual([]);
  });

  it('reopens a resolved problem whose fix did not hold, clearing the resolution', async () => {
    const problem = await problemIn(h, S.Resolved);
    const reopened = await move(h, problem.id, { to: S.FixInProgress, reason: 'the fix did not hold' });
    expect(reopened).toMatchObject({ state: S.FixInProgress, resolutionCode: null, resolution: null, resolvedAt: null });
    const events = await h.events(ProblemEvents.stateChanged, problem.id, 5);
    expect(events.at(-1)?.data).toMatchObject({ from: S.Resolved, to: S.FixInProgress, reason: 'the fix did not hold' });
  });

  it('closing after a permanent fix retires the published known error in the same change', async () => {
    const problem = await problemIn(h, S.Resolved);
    const knownError = await h.rpc.call(ProblemRpc.publishKnownError, { id: problem.id, symptoms: 'The VPN client reconnects every few minutes.' }, { actor: maria });
    const published = await h.rpc.call(ProblemRpc.get, { id: problem.id }, { actor: sam });

    const closed = await move(h, problem.id, { to: S.Closed });
    expect(closed).toMatchObject({ state: S.Closed, version: published.version + 1, knownError: { id: knownError.id, number: knownError.number, state: KnownErrorState.Retired } });
    await expect(h.row('known_errors', knownError.id)).resolves.toMatchObject({ state: 'retired', retire_reason: PERMANENT_FIX_RETIRE_REASON, retired_at: expect.any(Date), version: 2 });
    await expect(h.row('problems', problem.id)).resolves.toMatchObject({ state: S.Closed, known_error_state: 'retired' });

    const [retired] = await h.events(ProblemEvents.knownErrorRetired, problem.id);
    expect(retired?.data).toMatchObject({ problem: closed, knownError: { id: knownError.id, state: KnownErrorState.Retired, retireReason: PERMANENT_FIX_RETIRE_REASON } });
    await expect(h.events(ProblemEvents.closed, problem.id)).resolves.toHaveLength(1);
    await expect(h.audit(knownError.id)).resolves.toEqual([
      expect.objectContaining({ entity_type: 'known_error', action: 'published', actor_id: maria.sub }),
      expect.objectContaining({ entity_type: 'known_error', action: 'retired', actor_id: sam.sub }),
    ]);
  });

  it('closing after another resolution keeps the known error published', async () => {
    const problem = await problemIn(h, S.FixInProgress);
    const knownError = await h.rpc.call(ProblemRpc.publishKnownError, { id: problem.id, symptoms: 'Mail stays in the outbox.' }, { actor: maria });
    await move(h, problem.id, { to: S.Resolved, resolutionCode: ProblemResolutionCode.RiskAccepted, resolution: 'We live with it until the upgrade.' });
    const closed = await move(h, problem.id, { to: S.Closed });
    expect(closed.knownError).toMatchObject({ id: knownError.id, state: KnownErrorState.Published });
    await expect(h.row('known_errors', knownError.id)).resolves.toMatchObject({ state: 'published', retired_at: null });
    await expect(h.eventsNow(ProblemEvents.knownErrorRetired, problem.id)).resolves.toEqual([]);
  });

  it('refuses a stale expected version with PRECONDITION_FAILED and writes nothing', async () => {
    const problem = await problemIn(h, S.Assess);
    const outboxBefore = await h.count('outbox');
    await expect(move(h, problem.id, { to: S.RootCauseAnalysis }, sam, problem.version - 1)).rejects.toMatchObject({
      code: ErrorCode.PRECONDITION_FAILED,
      details: { currentVersion: problem.version, expectedVersion: problem.version - 1 },
    });
    await expect(h.row('problems', problem.id)).resolves.toMatchObject({ state: S.Assess, version: problem.version });
    await expect(h.count('outbox')).resolves.toBe(outboxBefore);
    await expect(move(h, problem.id, { to: S.RootCauseAnalysis }, sam, problem.version)).resolves.toMatchObject({ state: S.RootCauseAnalysis });
  });

  it('answers an unknown problem with PROBLEM_NOT_FOUND and a requester with ROLE_REQUIRED', async () => {
    await expect(move(h, '00000000-0000-4000-8000-000000000000', { to: S.Assess })).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND, reason: ProblemErrorCode.NotFound });
    const problem = await problemIn(h, S.New);
    await expect(move(h, problem.id, { to: S.Assess }, alice)).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN, reason: 'ROLE_REQUIRED' });
  });
});

import { ErrorCode, HoldReason, IncidentErrorCode, IncidentEvents, IncidentRpc, IncidentState, type IncidentStateChangedV1, ResolutionCode, type TransitionIncidentDto } from '@itsm/contracts';
import { alice, bob, sam, waitFor } from '@itsm/testing';
import { INCIDENT_TRANSITIONS } from '../src/domain/incident-lifecycle';
import { IncidentHarness, RESOLVE } from './support/incident-harness';

const S = IncidentState;
const STATES = Object.values(IncidentState);

/** The fields each target needs, for a move that is otherwise valid. */
function moveTo(from: IncidentState, to: IncidentState, mergeInto: string): TransitionIncidentDto {
  switch (to) {
    case S.OnHold:
      return { to, holdReason: HoldReason.AwaitingCaller };
    case S.Resolved:
      return RESOLVE;
    case S.Canceled:
      return { to, reason: 'caller withdrew it' };
    case S.Merged:
      return { to, into: mergeInto };
    case S.InProgress:
      return from === S.Resolved ? { to, reason: 'the fix did not hold' } : { to };
    default:
      return { to };
  }
}

describe('incident lifecycle over RPC', () => {
  let h: IncidentHarness;

  beforeAll(async () => {
    h = await IncidentHarness.start({ INCIDENT_AUTO_CLOSE_DAYS: '3', INCIDENT_AUTO_CLOSE_INTERVAL_MS: '250', INCIDENT_REOPEN_WINDOW_DAYS: '2' });
  });

  afterAll(async () => {
    await h.stop();
  });

  const allowed = STATES.flatMap((from) => INCIDENT_TRANSITIONS[from].map((to) => [from, to] as const));
  it.each(allowed)('moves an incident from %s to %s, stores it and publishes state_changed', async (from, to) => {
    const incident = await h.inState(from);
    const survivor = await h.open();
    const moved = await h.move(incident.id, moveTo(from, to, survivor.id));
    expect(moved).toMatchObject({ state: to, version: incident.version + 1 });
    await expect(h.row(incident.id)).resolves.toMatchObject({ state: to, version: incident.version + 1 });
    const events = await waitFor(async () => {
      const found = await h.events(IncidentEvents.stateChanged, incident.id);
      return found.some((e) => e.data.incident.version === moved.version) ? found : undefined;
    });
    const event = events.find((e) => e.data.incident.version === moved.version);
    expect(event?.data).toMatchObject({ from, to });
    expect(event?.data.incident).toEqual(moved);
  });

  const refused = STATES.flatMap((from) => STATES.filter((to) => !INCIDENT_TRANSITIONS[from].includes(to)).map((to) => [from, to] as const));
  it.each(refused)('refuses the move from %s to %s with INVALID_TRANSITION naming the allowed ones, and changes nothing', async (from, to) => {
    const incident = await h.inState(from);
    const outboxBefore = await h.count('outbox');
    const error = await h.move(incident.id, moveTo(from, to, incident.id)).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: ErrorCode.INVALID_TRANSITION, reason: IncidentErrorCode.InvalidTransition, details: { from, to, allowed: INCIDENT_TRANSITIONS[from] } });
    await expect(h.row(incident.id)).resolves.toMatchObject({ state: from, version: incident.version });
    await expect(h.count('outbox')).resolves.toBe(outboxBefore);
  });

  it.each([
    [S.OnHold, { to: S.OnHold }, 'holdReason'],
    [S.Resolved, { to: S.Resolved, resolutionCode: ResolutionCode.Workaround }, 'resolutionNotes'],
    [S.Resolved, { to: S.Resolved, resolutionNotes: 'rebooted' }, 'resolutionCode'],
    [S.Canceled, { to: S.Canceled }, 'reason'],
  ] as const)('refuses a move to %s without its required field', async (_to, transition, field) => {
    const incident = await h.inState(S.InProgress);
    const error = await h.move(incident.id, transition as TransitionIncidentDto).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: ErrorCode.VALIDATION, details: { errors: [expect.objectContaining({ field })] } });
    await expect(h.row(incident.id)).resolves.toMatchObject({ state: S.InProgress, version: incident.version });
  });

  it('refuses a hold reason outside the list', async () => {
    const incident = await h.inState(S.InProgress);
    const error = await h.move(incident.id, { to: S.OnHold, holdReason: 'awaiting_godot' as HoldReason }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: ErrorCode.VALIDATION, details: { errors: [expect.objectContaining({ field: 'transition.holdReason' })] } });
  });

  it('records the first response when an agent starts work', async () => {
    const incident = await h.open();
    expect(incident.respondedAt).toBeNull();
    const started = await h.move(incident.id, { to: S.InProgress });
    expect(started.respondedAt).not.toBeNull();
    await expect(h.row(incident.id)).resolves.toMatchObject({ responded_at: new Date(started.respondedAt ?? '') });
  });

  it('lets the caller cancel their new incident, and accept or reject a resolution, but nothing else', async () => {
    const fresh = await h.open(alice);
    await expect(h.move(fresh.id, { to: S.InProgress }, alice)).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN, reason: IncidentErrorCode.RequesterTransitionForbidden });
    await expect(h.move(fresh.id, { to: S.Canceled, reason: 'fixed itself' }, alice)).resolves.toMatchObject({ state: S.Canceled });

    const resolved = await h.inState(S.Resolved, alice);
    await expect(h.move(resolved.id, { to: S.InProgress, reason: 'still broken' }, alice)).resolves.toMatchObject({ state: S.InProgress, reopenCount: 1 });
    await h.move(resolved.id, RESOLVE);
    await expect(h.move(resolved.id, { to: S.Closed }, alice)).resolves.toMatchObject({ state: S.Closed });
  });

  it('hides another requester’s incident behind NOT_FOUND for transitions too', async () => {
    const incident = await h.open(alice);
    await expect(h.move(incident.id, { to: S.Canceled, reason: 'not mine' }, bob)).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND });
    await expect(h.row(incident.id)).resolves.toMatchObject({ state: S.New });
  });

  it('refuses a stale expected version with PRECONDITION_FAILED and writes nothing', async () => {
    const incident = await h.inState(S.InProgress);
    const outboxBefore = await h.count('outbox');
    await expect(h.move(incident.id, RESOLVE, sam, incident.version - 1)).rejects.toMatchObject({
      code: ErrorCode.PRECONDITION_FAILED,
      details: { currentVersion: incident.version, expectedVersion: incident.version - 1 },
    });
    await expect(h.row(incident.id)).resolves.toMatchObject({ state: S.InProgress, version: incident.version });
    await expect(h.count('outbox')).resolves.toBe(outboxBefore);
    await expect(h.move(incident.id, RESOLVE, sam, incident.version)).resolves.toMatchObject({ state: S.Resolved });
  });

  describe('reopen window', () => {
    it('reopens within the window, counts it and publishes reopened', async () => {
      const incident = await h.inState(S.Resolved);
      const reopened = await h.move(incident.id, { to: S.InProgress, reason: 'the fix did not hold' });
      expect(reopened).toMatchObject({ state: S.InProgress, reopenCount: 1, resolvedAt: null, resolutionCode: null, resolutionNotes: null });
      const [event] = await h.events(IncidentEvents.reopened, incident.id);
      expect(event?.data).toMatchObject({ reason: 'the fix did not hold', incident: { reopenCount: 1 } });
    });

    it('refuses to reopen after the window, answering with the one move left', async () => {
      const incident = await h.inState(S.Resolved);
      await h.database.query(`UPDATE incident.incidents SET resolved_at = now() - interval '2 days 1 minute' WHERE id = $1`, [incident.id]);
      await expect(h.move(incident.id, { to: S.InProgress, reason: 'still broken' })).rejects.toMatchObject({
        code: ErrorCode.INVALID_TRANSITION,
        reason: IncidentErrorCode.ReopenWindowPassed,
        details: { allowed: [S.Closed] },
      });
      await expect(h.row(incident.id)).resolves.toMatchObject({ state: S.Resolved, reopen_count: 0 });
    });
  });

  describe('auto-close', () => {
    it('closes incidents resolved longer than the configured days, once, with closed(automatic)', async () => {
      const due = await h.inState(S.Resolved);
      const recent = await h.inState(S.Resolved);
      await h.database.query(`UPDATE incident.incidents SET resolved_at = now() - interval '3 days 1 minute' WHERE id = $1`, [due.id]);
      await waitFor(async () => (await h.row(due.id))['state'] === S.Closed, { what: 'the auto-close job' });
      await expect(h.row(due.id)).resolves.toMatchObject({ state: S.Closed, version: due.version + 1 });
      const [closed, ...more] = await h.events(IncidentEvents.closed, due.id);
      expect(more).toHaveLength(0);
      expect(closed?.data).toMatchObject({ automatic: true, incident: { state: S.Closed } });
      const [audit] = await h.database.query<{ actor_id: string }>(`SELECT actor_id FROM incident.audit_log WHERE entity_id = $1 ORDER BY id DESC LIMIT 1`, [due.id]);
      expect(audit).toEqual({ actor_id: 'system' });
      await expect(h.row(recent.id)).resolves.toMatchObject({ state: S.Resolved });
    });
  });

  describe('parents and children', () => {
    it('resolves the open children with their parent, and leaves finished ones alone', async () => {
      const parent = await h.inState(S.InProgress);
      const child = await h.rpc.call(IncidentRpc.create, { title: 'Cannot reach payroll', impact: 3, urgency: 3, parentId: parent.id }, { actor: sam });
      const heldChild = await h.inState(S.OnHold);
      const canceledChild = await h.open();
      await h.rpc.call(IncidentRpc.linkChildren, { id: parent.id, childIds: [heldChild.id, canceledChild.id] }, { actor: sam });
      await h.move(canceledChild.id, { to: S.Canceled, reason: 'duplicate report' });

      await h.move(parent.id, RESOLVE);

      for (const id of [child.id, heldChild.id]) {
        await expect(h.row(id)).resolves.toMatchObject({ state: S.Resolved, resolution_code: RESOLVE.resolutionCode, resolution_notes: RESOLVE.resolutionNotes, hold_reason: null });
        const events = await h.events<IncidentStateChangedV1>(IncidentEvents.stateChanged, id);
        expect(events.at(-1)?.data).toMatchObject({ to: S.Resolved, reason: `resolved with parent ${parent.number}` });
      }
      await expect(h.row(canceledChild.id)).resolves.toMatchObject({ state: S.Canceled });
    });

    it('refuses a parent cycle and a finished parent', async () => {
      const a = await h.open();
      const b = await h.open();
      await h.rpc.call(IncidentRpc.linkChildren, { id: a.id, childIds: [b.id] }, { actor: sam });
      await expect(h.rpc.call(IncidentRpc.linkChildren, { id: b.id, childIds: [a.id] }, { actor: sam })).rejects.toMatchObject({ code: ErrorCode.CONFLICT, reason: IncidentErrorCode.ParentCycle });
      const closed = await h.inState(S.Closed);
      await expect(h.rpc.call(IncidentRpc.update, { id: b.id, changes: { parentId: closed.id } }, { actor: sam })).rejects.toMatchObject({
        code: ErrorCode.CONFLICT,
        reason: IncidentErrorCode.ParentNotOpen,
        details: { errors: [expect.objectContaining({ field: 'parentId' })] },
      });
    });
  });

  describe('duplicates', () => {
    const ci = '5e0b7c1a-2f3d-4e5f-8a9b-0c1d2e3f4a5b';

    it('hints at an open incident with the same category and CI, and merges on request', async () => {
      const first = await h.open(alice, { category: 'network', ciIds: [ci] });
      const second = await h.open(sam, { category: 'Network', ciIds: [ci, '6f1c8d2b-3a4e-4f5a-9b0c-1d2e3f4a5b6c'] });
      expect(second.possibleDuplicates).toEqual([{ id: first.id, number: first.number, title: first.title, state: S.New }]);
      await expect(h.row(second.id)).resolves.toMatchObject({ state: S.New });

      const merged = await h.move(second.id, { to: S.Merged, into: first.id });
      expect(merged).toMatchObject({ state: S.Merged, mergedIntoId: first.id });
      const history = await h.rpc.call(IncidentRpc.history, { id: first.id }, { actor: sam });
      expect(history.items.at(-1)).toMatchObject({ action: 'duplicate_merged', actorId: 'sam', changes: [{ field: 'duplicate', to: expect.objectContaining({ id: second.id }) }] });
    });

    it("hints a requester only at their own incidents, never at another caller's", async () => {
      const category = 'printing';
      const alices = await h.open(alice, { category, ciIds: [ci] });
      const bobsFirst = await h.open(bob, { category, ciIds: [ci] });
      expect(bobsFirst.possibleDuplicates).toEqual([]);
      const bobsSecond = await h.open(bob, { category, ciIds: [ci] });
      expect(bobsSecond.possibleDuplicates).toEqual([{ id: bobsFirst.id, number: bobsFirst.number, title: bobsFirst.title, state: S.New }]);
      const agents = await h.open(sam, { category, ciIds: [ci] });
      expect(agents.possibleDuplicates.map((hint) => hint.id).sort()).toEqual([alices.id, bobsFirst.id, bobsSecond.id].sort());
    });

    it('offers no hint for another category or a finished incident', async () => {
      const other = await h.open(alice, { category: 'hardware', ciIds: [ci] });
      await h.move(other.id, { to: S.Canceled, reason: 'wrong' });
      const fresh = await h.open(alice, { category: 'hardware', ciIds: [ci] });
      expect(fresh.possibleDuplicates).toEqual([]);
    });

    it('refuses to merge into itself or into a finished incident', async () => {
      const incident = await h.open();
      const closed = await h.inState(S.Closed);
      await expect(h.move(incident.id, { to: S.Merged, into: incident.id })).rejects.toMatchObject({ code: ErrorCode.CONFLICT, reason: IncidentErrorCode.MergeIntoItself });
      await expect(h.move(incident.id, { to: S.Merged, into: closed.id })).rejects.toMatchObject({ code: ErrorCode.CONFLICT, reason: IncidentErrorCode.MergeTargetNotOpen });
      await expect(h.row(incident.id)).resolves.toMatchObject({ state: S.New });
    });
  });
});

/** Releases over RPC: creation, changes, the stage machine with its refusals, the list, and the gate over every change's. Real Postgres and NATS. */
import { randomUUID } from 'node:crypto';
import { ChangeApprovalState, ChangeErrorCode, ChangeEvents, ChangeRpc, ChangeState, type CreateReleaseDto, ErrorCode, ReleaseState, type ReleaseView } from '@itsm/contracts';
import { ada, alice, fieldsOf, maria, sam, tom } from '@itsm/testing';
import type { ChangeHarness } from './support/change-harness';
import { insertChange } from './support/change-rows';
import { ChangeWorld, windowOf } from './support/change-world';

const HOUR_MS = 60 * 60 * 1000;
const R = ReleaseState;

describe('releases over RPC', () => {
  let w: ChangeWorld;
  let h: ChangeHarness;
  /** Changes as their lifecycle left them: one ready to deploy now, one still being assessed. */
  let ready: string;
  let assessed: string;

  const release = (overrides: Partial<CreateReleaseDto> = {}) =>
    h.rpc.call(ChangeRpc.createRelease, { name: 'November network release', plannedStart: '2026-11-30T10:00:00Z', plannedEnd: '2026-11-30T18:00:00Z', ...overrides }, { actor: sam });
  const move = (target: Pick<ReleaseView, 'id'>, to: ReleaseState, extra: { reason?: string; expectedVersion?: number } = {}) => {
    const { expectedVersion, ...transition } = extra;
    return h.rpc.call(ChangeRpc.transitionRelease, { id: target.id, transition: { to, ...transition }, ...(expectedVersion === undefined ? {} : { expectedVersion }) }, { actor: tom });
  };
  const refusal = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error);

  beforeAll(async () => {
    w = await ChangeWorld.start();
    h = w.h;
    const now = Date.now();
    ready = await insertChange(h, {
      number: 'CHG9000001',
      state: ChangeState.Scheduled,
      approvalState: ChangeApprovalState.Approved,
      plannedStart: new Date(now - HOUR_MS),
      plannedEnd: new Date(now + 3 * HOUR_MS),
    });
    assessed = await insertChange(h, { number: 'CHG9000002', state: ChangeState.Assess, plannedStart: new Date(now - HOUR_MS), plannedEnd: new Date(now + 3 * HOUR_MS) });
  });

  afterAll(async () => {
    await w?.stop();
  });

  describe('creating', () => {
    it('creates a release in planning with a REL number and its changes, audited and announced whole', async () => {
      const created = await release({ description: 'Core switches and the VPN', changeIds: [ready, assessed, ready] });

      expect(created).toMatchObject({
        name: 'November network release',
        description: 'Core switches and the VPN',
        changeIds: [ready, assessed],
        plannedStart: '2026-11-30T10:00:00.000Z',
        plannedEnd: '2026-11-30T18:00:00.000Z',
        state: R.Planning,
        cancelReason: null,
        createdBy: 'sam',
        version: 1,
      });
      expect(created.number).toMatch(/^REL\d{7}$/);
      await expect(h.row('releases', created.id)).resolves.toMatchObject({ number: created.number, state: 'planning', change_ids: [ready, assessed], created_by: 'sam' });
      await expect(h.audit(created.id)).resolves.toEqual([expect.objectContaining({ entity_type: 'release', action: 'created', actor_id: 'sam', before: null, after: created })]);
      const [event] = await h.events(ChangeEvents.releaseCreated, created.id);
      expect(event).toMatchObject({ type: 'itsm.change.release_created.v1', source: 'itsm/change', data: { release: created } });
    });

    it('hands out consecutive numbers starting at REL0001001', async () => {
      const first = await release();
      const second = await release();
      expect(Number(second.number.slice(3)) - Number(first.number.slice(3))).toBe(1);
      await expect(h.database.query(`SELECT min(number) AS min FROM change.releases`)).resolves.toEqual([{ min: 'REL0001001' }]);
    });

    it('answers a retry with the same Idempotency-Key with the first release', async () => {
      const key = randomUUID();
      const first = await h.rpc.call(ChangeRpc.createRelease, { name: 'Retried release', plannedStart: '2026-12-01T10:00:00Z', plannedEnd: '2026-12-01T12:00:00Z', idempotencyKey: key }, { actor: sam });
      const again = await h.rpc.call(ChangeRpc.createRelease, { name: 'Retried release', plannedStart: '2026-12-01T10:00:00Z', plannedEnd: '2026-12-01T12:00:00Z', idempotencyKey: key }, { actor: sam });
      expect(again).toEqual(first);
      await expect(h.count(`releases WHERE name = 'Retried release'`)).resolves.toBe(1);
    });

    it('refuses changes that do not exist, listing them, and writes nothing', async () => {
      const missing = [randomUUID(), randomUUID()];
      const error = await refusal(release({ name: 'Release with ghosts', changeIds: [ready, ...missing] }));
      expect(error).toMatchObject({ code: ErrorCode.UNPROCESSABLE, reason: ChangeErrorCode.UnknownChanges, details: { changeIds: missing } });
      expect(fieldsOf(error)).toEqual(['changeIds']);
      await expect(h.count(`releases WHERE name = 'Release with ghosts'`)).resolves.toBe(0);
    });

    it('refuses a window whose end is not after its start, naming plannedEnd', async () => {
      const error = await refusal(release({ plannedStart: '2026-11-30T18:00:00Z', plannedEnd: '2026-11-30T18:00:00Z' }));
      expect(error).toMatchObject({ code: ErrorCode.VALIDATION });
      expect(fieldsOf(error)).toEqual(['plannedEnd']);
    });

    it('refuses malformed fields, and requesters', async () => {
      const error = await refusal(release({ name: 'ab', changeIds: ['not-a-uuid'], plannedStart: 'tomorrow' }));
      expect(error).toMatchObject({ code: ErrorCode.VALIDATION });
      expect(fieldsOf(error)).toEqual(expect.arrayContaining(['name', 'plannedStart']));
      await expect(h.rpc.call(ChangeRpc.createRelease, { name: 'Not mine to make', plannedStart: '2026-11-30T10:00:00Z', plannedEnd: '2026-11-30T18:00:00Z' }, { actor: alice })).rejects.toMatchObject({
        code: ErrorCode.FORBIDDEN,
      });
    });

    it('answers an unknown release with 404 CHANGE_RELEASE_NOT_FOUND', async () => {
      await expect(h.rpc.call(ChangeRpc.getRelease, { id: randomUUID() }, { actor: sam })).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND, reason: ChangeErrorCode.ReleaseNotFound });
    });
  });

  describe('changing', () => {
    it('changes fields and replaces the changes, one version per change, audited without an event', async () => {
      const created = await release({ changeIds: [ready] });
      const updated = await h.rpc.call(ChangeRpc.updateRelease, { id: created.id, expectedVersion: 1, changes: { name: 'December network release', changeIds: [assessed], plannedEnd: '2026-11-30T20:00:00Z' } }, { actor: tom });

      expect(updated).toMatchObject({ name: 'December network release', changeIds: [assessed], plannedEnd: '2026-11-30T20:00:00.000Z', version: 2 });
      await expect(h.rpc.call(ChangeRpc.getRelease, { id: created.id }, { actor: sam })).resolves.toEqual(updated);
      await expect(h.audit(created.id)).resolves.toEqual([expect.objectContaining({ action: 'created' }), expect.objectContaining({ action: 'updated', actor_id: 'tom', before: created, after: updated })]);
    });

    it('answers a request that changes nothing with the release as it is', async () => {
      const created = await release({ changeIds: [ready] });
      await expect(h.rpc.call(ChangeRpc.updateRelease, { id: created.id, changes: { name: created.name, changeIds: [ready] } }, { actor: tom })).resolves.toEqual(created);
    });

    it('refuses a stale version with 412, unknown changes with 422 and a window turned backwards with 400 naming plannedEnd', async () => {
      const created = await release();
      await h.rpc.call(ChangeRpc.updateRelease, { id: created.id, changes: { description: 'first edit' } }, { actor: tom });

      await expect(h.rpc.call(ChangeRpc.updateRelease, { id: created.id, expectedVersion: 1, changes: { description: 'stale edit' } }, { actor: tom })).rejects.toMatchObject({
        code: ErrorCode.PRECONDITION_FAILED,
      });
      const ghost = randomUUID();
      await expect(h.rpc.call(ChangeRpc.updateRelease, { id: created.id, changes: { changeIds: [ready, ghost] } }, { actor: tom })).rejects.toMatchObject({
        reason: ChangeErrorCode.UnknownChanges,
        details: { changeIds: [ghost] },
      });
      // Only the start moves, past the stored end.
      const backwards = await refusal(h.rpc.call(ChangeRpc.updateRelease, { id: created.id, changes: { plannedStart: '2026-11-30T19:00:00Z' } }, { actor: tom }));
      expect(backwards).toMatchObject({ code: ErrorCode.VALIDATION });
      expect(fieldsOf(backwards)).toEqual(['plannedEnd']);
      await expect(h.row('releases', created.id)).resolves.toMatchObject({ description: 'first edit', version: 2, change_ids: [] });
    });
  });

  describe('stages', () => {
    it('moves planning → build → test → deploy → closed, each move announced with from and to', async () => {
      const created = await release({ changeIds: [ready] });
      let current = created;
      for (const to of [R.Build, R.Test, R.Deploy, R.Closed]) current = await move(current, to, { expectedVersion: current.version });

      expect(current).toMatchObject({ state: R.Closed, version: 5 });
      const events = await h.events(ChangeEvents.releaseStateChanged, created.id, 4);
      expect(events.map((event) => [event.data.from, event.data.to])).toEqual([
        [R.Planning, R.Build],
        [R.Build, R.Test],
        [R.Test, R.Deploy],
        [R.Deploy, R.Closed],
      ]);
      expect(events.at(-1)?.data.release).toEqual(current);
      await expect(h.audit(created.id)).resolves.toHaveLength(5);
    });

    it('refuses skipping or going back with 409 CHANGE_RELEASE_INVALID_TRANSITION and the allowed moves', async () => {
      const created = await release();
      await expect(move(created, R.Deploy)).rejects.toMatchObject({
        code: ErrorCode.INVALID_TRANSITION,
        reason: ChangeErrorCode.ReleaseInvalidTransition,
        details: { from: R.Planning, to: R.Deploy, allowed: [R.Build, R.Canceled] },
      });
      const built = await move(created, R.Build);
      await expect(move(built, R.Planning)).rejects.toMatchObject({ reason: ChangeErrorCode.ReleaseInvalidTransition, details: { allowed: [R.Test, R.Canceled] } });
      await expect(move(built, R.Test, { expectedVersion: 1 })).rejects.toMatchObject({ code: ErrorCode.PRECONDITION_FAILED });
      await expect(h.row('releases', created.id)).resolves.toMatchObject({ state: 'build', version: 2 });
    });

    it('cancels an open release only with a reason, kept and announced; then it is final', async () => {
      const created = await release();
      const tested = await move(await move(created, R.Build), R.Test);

      await expect(move(tested, R.Canceled)).rejects.toMatchObject({ code: ErrorCode.UNPROCESSABLE, reason: ChangeErrorCode.ReasonRequired, details: { field: 'reason' } });
      const canceled = await move(tested, R.Canceled, { reason: 'Postponed to the December release.' });
      expect(canceled).toMatchObject({ state: R.Canceled, cancelReason: 'Postponed to the December release.', version: 4 });
      const events = await h.events(ChangeEvents.releaseStateChanged, created.id, 3);
      expect(events.at(-1)?.data).toMatchObject({ from: R.Test, to: R.Canceled, reason: 'Postponed to the December release.' });

      await expect(move(canceled, R.Build)).rejects.toMatchObject({ reason: ChangeErrorCode.ReleaseInvalidTransition, details: { allowed: [] } });
      await expect(h.rpc.call(ChangeRpc.updateRelease, { id: created.id, changes: { name: 'Too late to rename' } }, { actor: tom })).rejects.toMatchObject({
        code: ErrorCode.CONFLICT,
        reason: ChangeErrorCode.FinalState,
      });
    });
  });

  describe('listing', () => {
    it('filters by state, change and words, sorts, and pages without overlap', async () => {
      const tag = randomUUID().slice(0, 8);
      const a = await release({ name: `Storage ${tag} alpha`, changeIds: [assessed], plannedStart: '2027-01-05T10:00:00Z', plannedEnd: '2027-01-05T12:00:00Z' });
      const b = await release({ name: `Storage ${tag} beta`, plannedStart: '2027-01-03T10:00:00Z', plannedEnd: '2027-01-03T12:00:00Z' });
      const c = await release({ name: `Storage ${tag} gamma`, changeIds: [assessed], plannedStart: '2027-01-04T10:00:00Z', plannedEnd: '2027-01-04T12:00:00Z' });
      await move(b, R.Build);

      const byStart = await h.rpc.call(ChangeRpc.listReleases, { q: tag, sort: 'plannedStart' }, { actor: sam });
      expect(byStart.items.map((item) => item.id)).toEqual([b.id, c.id, a.id]);
      const built = await h.rpc.call(ChangeRpc.listReleases, { q: tag, state: [R.Build] }, { actor: sam });
      expect(built.items.map((item) => item.id)).toEqual([b.id]);
      const withChange = await h.rpc.call(ChangeRpc.listReleases, { q: tag, changeId: assessed, sort: 'number' }, { actor: sam });
      expect(withChange.items.map((item) => item.id)).toEqual([a.id, c.id]);

      const first = await h.rpc.call(ChangeRpc.listReleases, { q: tag, sort: '-number', limit: 2 }, { actor: sam });
      expect(first.items.map((item) => item.id)).toEqual([c.id, b.id]);
      const second = await h.rpc.call(ChangeRpc.listReleases, { q: tag, sort: '-number', limit: 2, cursor: first.nextCursor ?? '' }, { actor: sam });
      expect(second).toEqual({ items: [expect.objectContaining({ id: a.id })], nextCursor: null });
      await expect(h.rpc.call(ChangeRpc.listReleases, { q: tag, sort: 'number', cursor: first.nextCursor ?? '' }, { actor: sam })).rejects.toMatchObject({ code: ErrorCode.VALIDATION });
    });
  });

  describe('gate', () => {
    it('opens only when every change’s gate is open, giving each change’s answer', async () => {
      const open = await release({ changeIds: [ready] });
      const gate = await h.rpc.call(ChangeRpc.releaseGate, { id: open.id }, { actor: sam });
      expect(gate).toMatchObject({ allowed: true, reasons: [], changes: [{ changeId: ready, number: 'CHG9000001', state: ChangeState.Scheduled, allowed: true, reasons: [] }] });
      expect(Date.parse(gate.checkedAt)).toBeGreaterThan(Date.now() - 60_000);

      const mixed = await release({ changeIds: [ready, assessed] });
      const closed = await h.rpc.call(ChangeRpc.releaseGate, { id: mixed.id }, { actor: sam });
      expect(closed.allowed).toBe(false);
      expect(closed.changes).toEqual([
        expect.objectContaining({ changeId: ready, allowed: true }),
        expect.objectContaining({ changeId: assessed, number: 'CHG9000002', state: ChangeState.Assess, allowed: false }),
      ]);
      expect(closed.reasons.length).toBeGreaterThan(0);
      expect(closed.reasons.every((reason) => reason.startsWith('CHG9000002: '))).toBe(true);
    });

    it('follows the gates of changes worked through their lifecycle: closed until the last one is approved and scheduled', async () => {
      const [router, firewall] = [await w.ci('application', 4, 'edge-router'), await w.ci('application', 4, 'edge-firewall')];
      const scheduled = await w.approved({ ciIds: [router], ...windowOf(-1, 4) });
      expect(scheduled.state).toBe(ChangeState.Scheduled);
      const pending = await w.toAuthorize(await w.raise({ ciIds: [firewall], ...windowOf(-1, 4) }));
      const created = await release({ changeIds: [scheduled.id, pending.id] });

      const waiting = await h.rpc.call(ChangeRpc.releaseGate, { id: created.id }, { actor: sam });
      expect(waiting).toMatchObject({ allowed: false, changes: [{ changeId: scheduled.id, allowed: true }, { changeId: pending.id, state: ChangeState.Authorize, allowed: false }] });
      expect(waiting.reasons).toContain(`${pending.number}: The change is not approved: its approval is pending`);

      await w.vote(pending, maria);
      await w.move(scheduled, { to: ChangeState.Implement });
      await expect(h.rpc.call(ChangeRpc.releaseGate, { id: created.id }, { actor: sam })).resolves.toMatchObject({
        allowed: true,
        reasons: [],
        changes: [
          { changeId: scheduled.id, state: ChangeState.Implement, allowed: true },
          { changeId: pending.id, state: ChangeState.Scheduled, allowed: true },
        ],
      });
    });

    it('stays closed while a blackout is in force on one of its changes’ CIs', async () => {
      const [row] = await h.database.query<{ ci_ids: string[] }>(`SELECT ci_ids FROM change.changes WHERE id = $1`, [ready]);
      const blackout = randomUUID();
      await h.database.query(
        `INSERT INTO change.blackout_windows (id, name, scope, target_ids, starts_at, ends_at, time_zone, version) VALUES ($1, 'Quarter-end freeze', 'ci', $2::uuid[], $3, $4, 'UTC', 1)`,
        [blackout, row?.ci_ids ?? [], new Date(Date.now() - HOUR_MS), new Date(Date.now() + HOUR_MS)],
      );
      try {
        const created = await release({ changeIds: [ready] });
        const gate = await h.rpc.call(ChangeRpc.releaseGate, { id: created.id }, { actor: sam });
        expect(gate.allowed).toBe(false);
        expect(gate.reasons).toEqual([expect.stringMatching(/^CHG9000001: Blackout "Quarter-end freeze" is in force/)]);
      } finally {
        await h.database.query(`DELETE FROM change.blackout_windows WHERE id = $1`, [blackout]);
      }
    });

    it('stays closed for a release without changes, and answers an unknown release with 404', async () => {
      const empty = await release();
      await expect(h.rpc.call(ChangeRpc.releaseGate, { id: empty.id }, { actor: ada })).resolves.toMatchObject({ allowed: false, reasons: ['The release has no changes'], changes: [] });
      await expect(h.rpc.call(ChangeRpc.releaseGate, { id: randomUUID() }, { actor: sam })).rejects.toMatchObject({ reason: ChangeErrorCode.ReleaseNotFound });
    });
  });
});

import { randomUUID } from 'node:crypto';
import { BlackoutScope, ChangeErrorCode, ChangeRpc, CommonErrorCode, ErrorCode } from '@itsm/contracts';
import { ada, alice, fieldsOf, maria, sam } from '@itsm/testing';
import { ChangeHarness } from './support/change-harness';
import { buildBlackout, buildMaintenanceWindow } from './support/window-requests';

describe('blackout and maintenance windows', () => {
  let h: ChangeHarness;

  beforeAll(async () => {
    h = await ChangeHarness.start();
  });

  afterAll(async () => {
    await h.stop();
  });

  it('are created by managers, with an audit row, and read by agents', async () => {
    const ci = randomUUID();
    const blackout = await h.rpc.call(
      ChangeRpc.createBlackout,
      buildBlackout({ targetIds: [ci, ci], description: 'Quarter close', start: '2030-06-07T20:00:00+02:00', rrule: 'FREQ=WEEKLY;BYDAY=FR', timeZone: 'Europe/Berlin' }),
      { actor: maria },
    );
    // Instants are answered in UTC; repeated targets are kept once.
    expect(blackout).toMatchObject({ scope: BlackoutScope.Ci, targetIds: [ci], description: 'Quarter close', start: '2030-06-07T18:00:00.000Z', rrule: 'FREQ=WEEKLY;BYDAY=FR', timeZone: 'Europe/Berlin', version: 1 });
    await expect(h.rpc.call(ChangeRpc.getBlackout, { id: blackout.id }, { actor: sam })).resolves.toEqual(blackout);
    await expect(h.audit(blackout.id)).resolves.toEqual([expect.objectContaining({ entity_type: 'blackout_window', action: 'created', actor_id: maria.sub, before: null, after: blackout })]);
    await expect(h.row('blackout_windows', blackout.id)).resolves.toMatchObject({ name: blackout.name, scope: 'ci', target_ids: [ci], rrule: 'FREQ=WEEKLY;BYDAY=FR', time_zone: 'Europe/Berlin' });

    const maintenance = await h.rpc.call(ChangeRpc.createMaintenanceWindow, buildMaintenanceWindow({ ciIds: [ci] }), { actor: ada });
    expect(maintenance).toMatchObject({ ciIds: [ci], description: '', start: '2030-06-01T01:00:00.000Z', end: '2030-06-01T04:00:00.000Z', rrule: 'FREQ=DAILY', version: 1 });
    await expect(h.rpc.call(ChangeRpc.getMaintenanceWindow, { id: maintenance.id }, { actor: sam })).resolves.toEqual(maintenance);
    await expect(h.audit(maintenance.id)).resolves.toEqual([expect.objectContaining({ entity_type: 'maintenance_window', action: 'created', actor_id: ada.sub, after: maintenance })]);
  });

  it('are listed by start, and by scope, target or CI', async () => {
    const ci = randomUUID();
    const later = await h.rpc.call(ChangeRpc.createBlackout, buildBlackout({ targetIds: [ci], start: '2031-02-01T00:00:00Z', end: '2031-02-02T00:00:00Z' }), { actor: maria });
    const earlier = await h.rpc.call(ChangeRpc.createBlackout, buildBlackout({ targetIds: [ci, randomUUID()], start: '2031-01-01T00:00:00Z', end: '2031-01-02T00:00:00Z' }), { actor: maria });
    const global = await h.rpc.call(ChangeRpc.createBlackout, buildBlackout({ scope: BlackoutScope.Global, targetIds: [] }), { actor: maria });

    const all = await h.rpc.call(ChangeRpc.listBlackouts, {}, { actor: sam });
    const starts = all.items.map((window) => window.start);
    expect(starts).toEqual([...starts].sort());
    expect(all.items.map((window) => window.id)).toEqual(expect.arrayContaining([later.id, earlier.id, global.id]));
    await expect(h.rpc.call(ChangeRpc.listBlackouts, { targetId: ci }, { actor: sam })).resolves.toEqual({ items: [earlier, later] });
    const globals = await h.rpc.call(ChangeRpc.listBlackouts, { scope: BlackoutScope.Global }, { actor: sam });
    expect(globals.items.map((window) => window.id)).toEqual([global.id]);

    const second = await h.rpc.call(ChangeRpc.createMaintenanceWindow, buildMaintenanceWindow({ ciIds: [ci], start: '2030-07-01T01:00:00Z', end: '2030-07-01T02:00:00Z' }), { actor: maria });
    const first = await h.rpc.call(ChangeRpc.createMaintenanceWindow, buildMaintenanceWindow({ ciIds: [randomUUID(), ci] }), { actor: maria });
    await h.rpc.call(ChangeRpc.createMaintenanceWindow, buildMaintenanceWindow(), { actor: maria });
    await expect(h.rpc.call(ChangeRpc.listMaintenanceWindows, { ciId: ci }, { actor: sam })).resolves.toEqual({ items: [first, second] });
  });

  it('refuse a rule the expander cannot read with 422 CHANGE_INVALID_RRULE naming rrule', async () => {
    const rules = ['FREQ=WEEKLY;BYDAY=XX', 'FREQ=DAILY;BYHOUR=3', 'FREQ=DAILY;COUNT=3;UNTIL=20301231', 'FREQ=WEEKLY;BYMONTHDAY=1', 'FREQ=DAILY;INTERVAL=0'];
    const before = await h.count('blackout_windows');
    for (const rrule of rules) {
      const error = await h.rpc.call(ChangeRpc.createBlackout, buildBlackout({ rrule }), { actor: maria }).catch((caught: unknown) => caught);
      expect(error).toMatchObject({ code: ErrorCode.UNPROCESSABLE, reason: ChangeErrorCode.InvalidRrule, details: { field: 'rrule' } });
      expect(fieldsOf(error)).toEqual(['rrule']);
    }
    await expect(h.count('blackout_windows')).resolves.toBe(before);
    await expect(h.rpc.call(ChangeRpc.createMaintenanceWindow, buildMaintenanceWindow({ rrule: 'FREQ=MONTHLY;BYDAY=9MO' }), { actor: maria })).rejects.toMatchObject({
      code: ErrorCode.UNPROCESSABLE,
      reason: ChangeErrorCode.InvalidRrule,
    });
  });

  it('refuse an end before the start, an unknown zone, a rule of the wrong shape and targets that do not fit the scope, naming the field', async () => {
    const cases: Array<[Parameters<typeof buildBlackout>[0], string]> = [
      [{ start: '2030-06-07T22:00:00Z', end: '2030-06-07T18:00:00Z' }, 'end'],
      [{ start: '2030-06-07T22:00:00Z', end: '2030-06-07T22:00:00Z' }, 'end'],
      [{ timeZone: 'Mars/Olympus' }, 'timeZone'],
      [{ rrule: 'every friday' }, 'rrule'],
      [{ scope: BlackoutScope.Global }, 'targetIds'],
      [{ scope: BlackoutScope.Service, targetIds: [] }, 'targetIds'],
      [{ start: 'tomorrow' }, 'start'],
    ];
    const before = await h.count('blackout_windows');
    for (const [overrides, field] of cases) {
      const error = await h.rpc.call(ChangeRpc.createBlackout, buildBlackout(overrides), { actor: maria }).catch((caught: unknown) => caught);
      expect(error).toMatchObject({ code: ErrorCode.VALIDATION });
      expect(fieldsOf(error)).toEqual([field]);
    }
    await expect(h.count('blackout_windows')).resolves.toBe(before);
    const error = await h.rpc.call(ChangeRpc.createMaintenanceWindow, buildMaintenanceWindow({ end: '2030-06-01T00:00:00Z' }), { actor: maria }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: ErrorCode.VALIDATION, reason: CommonErrorCode.InvalidRequest });
    expect(fieldsOf(error)).toEqual(['end']);
  });

  it('refuse a name another window of the kind has, on create and on update', async () => {
    const taken = await h.rpc.call(ChangeRpc.createBlackout, buildBlackout(), { actor: maria });
    const nameTaken = { code: ErrorCode.CONFLICT, reason: ChangeErrorCode.WindowNameTaken, details: { errors: [{ field: 'name', message: 'is taken' }] } };
    await expect(h.rpc.call(ChangeRpc.createBlackout, buildBlackout({ name: taken.name }), { actor: maria })).rejects.toMatchObject(nameTaken);
    const other = await h.rpc.call(ChangeRpc.createBlackout, buildBlackout(), { actor: maria });
    await expect(h.rpc.call(ChangeRpc.updateBlackout, { ...buildBlackout({ name: taken.name }), id: other.id }, { actor: maria })).rejects.toMatchObject(nameTaken);
    // Keeping its own name is no conflict; a maintenance window may have a blackout's name.
    await expect(h.rpc.call(ChangeRpc.updateBlackout, { ...buildBlackout({ name: other.name }), id: other.id }, { actor: maria })).resolves.toMatchObject({ name: other.name, version: 2 });
    const slot = await h.rpc.call(ChangeRpc.createMaintenanceWindow, buildMaintenanceWindow({ name: taken.name }), { actor: maria });
    await expect(h.rpc.call(ChangeRpc.createMaintenanceWindow, buildMaintenanceWindow({ name: slot.name }), { actor: maria })).rejects.toMatchObject(nameTaken);
  });

  it('are replaced whole on update, refused with 412 on a stale version', async () => {
    const blackout = await h.rpc.call(ChangeRpc.createBlackout, buildBlackout({ description: 'Launch week', rrule: 'FREQ=DAILY;COUNT=5' }), { actor: maria });
    const replaced = await h.rpc.call(
      ChangeRpc.updateBlackout,
      { id: blackout.id, expectedVersion: 1, name: blackout.name, scope: BlackoutScope.Global, start: '2030-12-20T00:00:00Z', end: '2031-01-02T00:00:00Z', timeZone: 'UTC' },
      { actor: maria },
    );
    // What the replacement leaves out is cleared (rule, targets, description).
    expect(replaced).toMatchObject({ id: blackout.id, scope: BlackoutScope.Global, targetIds: [], description: '', rrule: null, start: '2030-12-20T00:00:00.000Z', version: 2 });
    await expect(h.rpc.call(ChangeRpc.updateBlackout, { ...buildBlackout(), id: blackout.id, expectedVersion: 1 }, { actor: maria })).rejects.toMatchObject({
      code: ErrorCode.PRECONDITION_FAILED,
      reason: CommonErrorCode.VersionMismatch,
    });
    await expect(h.rpc.call(ChangeRpc.getBlackout, { id: blackout.id }, { actor: sam })).resolves.toEqual(replaced);
    await expect(h.audit(blackout.id)).resolves.toEqual([expect.objectContaining({ action: 'created' }), expect.objectContaining({ action: 'updated', before: blackout, after: replaced })]);

    const slot = await h.rpc.call(ChangeRpc.createMaintenanceWindow, buildMaintenanceWindow(), { actor: maria });
    const ci = randomUUID();
    await expect(h.rpc.call(ChangeRpc.updateMaintenanceWindow, { ...buildMaintenanceWindow({ name: slot.name, ciIds: [ci], rrule: null }), id: slot.id, expectedVersion: 1 }, { actor: maria })).resolves.toMatchObject({
      ciIds: [ci],
      rrule: null,
      version: 2,
    });
    await expect(h.rpc.call(ChangeRpc.updateMaintenanceWindow, { ...buildMaintenanceWindow(), id: slot.id, expectedVersion: 1 }, { actor: maria })).rejects.toMatchObject({
      code: ErrorCode.PRECONDITION_FAILED,
    });
  });

  it('are deleted by managers; an unknown id is 404', async () => {
    const blackout = await h.rpc.call(ChangeRpc.createBlackout, buildBlackout(), { actor: maria });
    await expect(h.rpc.call(ChangeRpc.deleteBlackout, { id: blackout.id }, { actor: maria })).resolves.toEqual(blackout);
    const noBlackout = { code: ErrorCode.NOT_FOUND, reason: ChangeErrorCode.BlackoutNotFound };
    await expect(h.rpc.call(ChangeRpc.getBlackout, { id: blackout.id }, { actor: sam })).rejects.toMatchObject(noBlackout);
    await expect(h.rpc.call(ChangeRpc.deleteBlackout, { id: blackout.id }, { actor: maria })).rejects.toMatchObject(noBlackout);
    await expect(h.rpc.call(ChangeRpc.updateBlackout, { ...buildBlackout(), id: randomUUID() }, { actor: maria })).rejects.toMatchObject(noBlackout);
    await expect(h.audit(blackout.id)).resolves.toEqual([expect.objectContaining({ action: 'created' }), expect.objectContaining({ action: 'deleted', before: blackout, after: null })]);

    const slot = await h.rpc.call(ChangeRpc.createMaintenanceWindow, buildMaintenanceWindow(), { actor: maria });
    await expect(h.rpc.call(ChangeRpc.deleteMaintenanceWindow, { id: slot.id }, { actor: maria })).resolves.toEqual(slot);
    const noSlot = { code: ErrorCode.NOT_FOUND, reason: ChangeErrorCode.MaintenanceWindowNotFound };
    await expect(h.rpc.call(ChangeRpc.getMaintenanceWindow, { id: slot.id }, { actor: sam })).rejects.toMatchObject(noSlot);
    await expect(h.rpc.call(ChangeRpc.updateMaintenanceWindow, { ...buildMaintenanceWindow(), id: slot.id }, { actor: maria })).rejects.toMatchObject(noSlot);
    await expect(h.rpc.call(ChangeRpc.deleteMaintenanceWindow, { id: slot.id }, { actor: maria })).rejects.toMatchObject(noSlot);
  });

  it('are written by managers only, and hidden from requesters', async () => {
    const blackout = await h.rpc.call(ChangeRpc.createBlackout, buildBlackout(), { actor: maria });
    const forbidden = { code: ErrorCode.FORBIDDEN, reason: CommonErrorCode.RoleRequired };
    await expect(h.rpc.call(ChangeRpc.createBlackout, buildBlackout(), { actor: sam })).rejects.toMatchObject(forbidden);
    await expect(h.rpc.call(ChangeRpc.updateBlackout, { ...buildBlackout(), id: blackout.id }, { actor: sam })).rejects.toMatchObject(forbidden);
    await expect(h.rpc.call(ChangeRpc.deleteBlackout, { id: blackout.id }, { actor: sam })).rejects.toMatchObject(forbidden);
    await expect(h.rpc.call(ChangeRpc.createMaintenanceWindow, buildMaintenanceWindow(), { actor: sam })).rejects.toMatchObject(forbidden);
    await expect(h.rpc.call(ChangeRpc.listBlackouts, {}, { actor: alice })).rejects.toMatchObject(forbidden);
    await expect(h.rpc.call(ChangeRpc.getBlackout, { id: blackout.id }, { actor: alice })).rejects.toMatchObject(forbidden);
    await expect(h.rpc.call(ChangeRpc.listMaintenanceWindows, {}, { actor: alice })).rejects.toMatchObject(forbidden);
    await expect(h.row('blackout_windows', blackout.id)).resolves.toMatchObject({ version: 1 });
  });
});

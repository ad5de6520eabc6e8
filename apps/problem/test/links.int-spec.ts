import { randomUUID } from 'node:crypto';
import { type Actor, ErrorCode, ProblemErrorCode, ProblemEvents, ProblemLinkSource, ProblemRpc, ProblemState, type ProblemView } from '@itsm/contracts';
import { SYSTEM_ACTOR } from '@itsm/messaging';
import { maria, sam, tom } from '@itsm/testing';
// eslint-disable-next-line @nx/enforce-module-boundaries -- a test runs the real incident service beside this one, through its own harness; no source of one app imports another
import { IncidentHarness } from '../../incident/test/support/incident-harness';
import { LinksService } from '../src/links/links.service';
import { ProblemWriter } from '../src/problems/problem.writer';
import { ProblemHarness } from './support/problem-harness';
import { move, problemIn } from './support/problem-paths';

describe('linking incidents to problems', () => {
  let h: ProblemHarness;
  let incidents: IncidentHarness;

  beforeAll(async () => {
    h = await ProblemHarness.start();
    incidents = await IncidentHarness.start({}, { fresh: false });
  });

  afterAll(async () => {
    await incidents?.stop();
    await h?.stop();
  });

  const link = (id: string, incidentId: string, actor: Actor = sam, expectedVersion?: number): Promise<ProblemView> =>
    h.rpc.call(ProblemRpc.linkIncident, { id, incidentId, ...(expectedVersion ? { expectedVersion } : {}) }, { actor });
  const unlink = (id: string, incidentId: string, actor: Actor = sam, expectedVersion?: number): Promise<ProblemView> =>
    h.rpc.call(ProblemRpc.unlinkIncident, { id, incidentId, ...(expectedVersion ? { expectedVersion } : {}) }, { actor });
  const linkRows = (incidentId: string): Promise<Array<Record<string, unknown>>> =>
    h.database.query(`SELECT * FROM problem.problem_incidents WHERE incident_id = $1 ORDER BY linked_at`, [incidentId]);

  it('links an existing incident: the row, the problem’s list, a new version and incident_linked', async () => {
    const problem = await h.open();
    const incident = await incidents.open();
    const linked = await link(problem.id, incident.id);
    expect(linked).toMatchObject({ incidentIds: [incident.id], version: problem.version + 1 });
    await expect(h.row('problems', problem.id)).resolves.toMatchObject({ incident_ids: [incident.id], version: problem.version + 1 });
    await expect(linkRows(incident.id)).resolves.toEqual([expect.objectContaining({ problem_id: problem.id, source: ProblemLinkSource.Manual, linked_by_id: sam.sub })]);
    const [event] = await h.events(ProblemEvents.incidentLinked, problem.id);
    expect(event?.data).toEqual({ problem: linked, incidentId: incident.id, source: ProblemLinkSource.Manual });
    await expect(h.audit(problem.id)).resolves.toEqual([expect.objectContaining({ action: 'created' }), expect.objectContaining({ action: 'incident_linked', actor_id: sam.sub })]);
  });

  it('keeps a second link of the same incident to the same problem as it is', async () => {
    const problem = await h.open();
    const incident = await incidents.open();
    const linked = await link(problem.id, incident.id);
    await expect(link(problem.id, incident.id, tom)).resolves.toEqual(linked);
    await expect(linkRows(incident.id)).resolves.toHaveLength(1);
    await expect(h.eventsNow(ProblemEvents.incidentLinked, problem.id)).resolves.toHaveLength(1);
  });

  it('refuses an incident the incident service does not know with PROBLEM_UNKNOWN_INCIDENTS naming it', async () => {
    const problem = await h.open();
    const unknown = randomUUID();
    const outboxBefore = await h.count('outbox');
    await expect(link(problem.id, unknown)).rejects.toMatchObject({
      code: ErrorCode.UNPROCESSABLE,
      reason: ProblemErrorCode.UnknownIncidents,
      details: { incidentIds: [unknown], errors: [expect.objectContaining({ field: 'incidentId' })] },
    });
    await expect(h.row('problems', problem.id)).resolves.toMatchObject({ incident_ids: [], version: problem.version });
    await expect(linkRows(unknown)).resolves.toEqual([]);
    await expect(h.count('outbox')).resolves.toBe(outboxBefore);
  });

  it('refuses an incident linked to another open problem, naming that problem, until that problem is no longer open', async () => {
    const first = await h.open();
    const second = await h.open();
    const incident = await incidents.open();
    await link(first.id, incident.id);
    await expect(link(second.id, incident.id)).rejects.toMatchObject({
      code: ErrorCode.CONFLICT,
      reason: ProblemErrorCode.IncidentAlreadyLinked,
      details: { incidentId: incident.id, problemId: first.id, problemNumber: first.number },
    });
    await expect(h.row('problems', second.id)).resolves.toMatchObject({ incident_ids: [], version: second.version });

    await move(h, first.id, { to: ProblemState.Canceled, reason: 'a duplicate of the second' }, maria);
    await expect(link(second.id, incident.id)).resolves.toMatchObject({ incidentIds: [incident.id] });
    await expect(linkRows(incident.id)).resolves.toHaveLength(2);
  });

  it('links an incident to one of two problems when both links arrive at once', async () => {
    for (let round = 0; round < 5; round += 1) {
      const [a, b] = await Promise.all([h.open(), h.open()]);
      const incident = await incidents.open();
      const results = await Promise.allSettled([link(a.id, incident.id), link(b.id, incident.id, tom)]);
      const refused = results.filter((r) => r.status === 'rejected');
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect(refused).toEqual([expect.objectContaining({ reason: expect.objectContaining({ reason: ProblemErrorCode.IncidentAlreadyLinked }) })]);
      await expect(linkRows(incident.id)).resolves.toHaveLength(1);
    }
  });

  it.each([ProblemState.Closed, ProblemState.Canceled])('refuses to link to a %s problem with PROBLEM_FINAL_STATE', async (state) => {
    const problem = await problemIn(h, state);
    const incident = await incidents.open();
    await expect(link(problem.id, incident.id)).rejects.toMatchObject({ code: ErrorCode.CONFLICT, reason: ProblemErrorCode.FinalState });
    await expect(linkRows(incident.id)).resolves.toEqual([]);
  });

  it('links to a resolved problem, which no longer holds its incidents against other problems', async () => {
    const resolved = await problemIn(h, ProblemState.Resolved);
    const other = await h.open();
    const incident = await incidents.open();
    await expect(link(resolved.id, incident.id)).resolves.toMatchObject({ incidentIds: [incident.id] });
    await expect(link(other.id, incident.id)).resolves.toMatchObject({ incidentIds: [incident.id] });
  });

  it('refuses to reopen a resolved problem whose incident was linked to another open problem meanwhile, naming both', async () => {
    const resolved = await problemIn(h, ProblemState.Resolved);
    const other = await h.open();
    const incident = await incidents.open();
    const linked = await link(resolved.id, incident.id);
    await link(other.id, incident.id);
    await expect(move(h, resolved.id, { to: ProblemState.FixInProgress })).rejects.toMatchObject({
      code: ErrorCode.CONFLICT,
      reason: ProblemErrorCode.IncidentAlreadyLinked,
      details: { incidentId: incident.id, problemId: other.id, problemNumber: other.number },
    });
    await expect(h.row('problems', resolved.id)).resolves.toMatchObject({ state: ProblemState.Resolved, version: linked.version });

    await unlink(other.id, incident.id);
    await expect(move(h, resolved.id, { to: ProblemState.FixInProgress })).resolves.toMatchObject({ state: ProblemState.FixInProgress, incidentIds: [incident.id] });
  });

  it('answers an unknown problem with PROBLEM_NOT_FOUND before asking about the incident', async () => {
    await expect(link(randomUUID(), randomUUID())).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND, reason: ProblemErrorCode.NotFound });
  });

  it('unlinks an incident: the row and the list go, a new version and incident_unlinked', async () => {
    const problem = await h.open();
    const [kept, dropped] = [await incidents.open(), await incidents.open()];
    await link(problem.id, kept.id);
    const linked = await link(problem.id, dropped.id);
    const unlinked = await unlink(problem.id, dropped.id);
    expect(unlinked).toMatchObject({ incidentIds: [kept.id], version: linked.version + 1 });
    await expect(h.row('problems', problem.id)).resolves.toMatchObject({ incident_ids: [kept.id], version: linked.version + 1 });
    await expect(linkRows(dropped.id)).resolves.toEqual([]);
    await expect(linkRows(kept.id)).resolves.toHaveLength(1);
    const [event] = await h.events(ProblemEvents.incidentUnlinked, problem.id);
    expect(event?.data).toEqual({ problem: unlinked, incidentId: dropped.id });
  });

  it('refuses to unlink an incident that is not linked with PROBLEM_INCIDENT_NOT_LINKED', async () => {
    const problem = await h.open();
    const incident = await incidents.open();
    await expect(unlink(problem.id, incident.id)).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND, reason: ProblemErrorCode.IncidentNotLinked, details: { incidentId: incident.id } });
    await expect(h.row('problems', problem.id)).resolves.toMatchObject({ version: problem.version });
  });

  it('refuses a stale expected version on link and unlink with PRECONDITION_FAILED', async () => {
    const problem = await h.open();
    const incident = await incidents.open();
    await expect(link(problem.id, incident.id, sam, problem.version + 1)).rejects.toMatchObject({ code: ErrorCode.PRECONDITION_FAILED, details: { currentVersion: problem.version } });
    const linked = await link(problem.id, incident.id, sam, problem.version);
    await expect(unlink(problem.id, incident.id, sam, problem.version)).rejects.toMatchObject({ code: ErrorCode.PRECONDITION_FAILED, details: { currentVersion: linked.version } });
    await expect(linkRows(incident.id)).resolves.toHaveLength(1);
    await expect(unlink(problem.id, incident.id, sam, linked.version)).resolves.toMatchObject({ incidentIds: [] });
  });

  it('links inside a caller’s transaction with the source given, for detection', async () => {
    const problem = await h.open();
    const taken = await h.open();
    const [incident, other] = [await incidents.open(), await incidents.open()];
    await link(taken.id, other.id);
    const view = await h.transaction(async (manager) => {
      const locked = await h.get(ProblemWriter).lock(manager, problem.id);
      const links = h.get(LinksService);
      const linked = await links.linkWithin(manager, locked, incident.id, { source: ProblemLinkSource.Detected, actorId: SYSTEM_ACTOR });
      // A refusal leaves the transaction usable: the link already written commits.
      await expect(links.linkWithin(manager, locked, other.id, { source: ProblemLinkSource.Detected, actorId: SYSTEM_ACTOR })).rejects.toMatchObject({
        reason: ProblemErrorCode.IncidentAlreadyLinked,
      });
      return linked;
    });
    expect(view).toMatchObject({ incidentIds: [incident.id], version: problem.version + 1 });
    await expect(linkRows(incident.id)).resolves.toEqual([expect.objectContaining({ problem_id: problem.id, source: ProblemLinkSource.Detected, linked_by_id: SYSTEM_ACTOR })]);
    const [event] = await h.events(ProblemEvents.incidentLinked, problem.id);
    expect(event?.data).toMatchObject({ incidentId: incident.id, source: ProblemLinkSource.Detected });
  });
});

import { randomUUID } from 'node:crypto';
import {
  type CloudEvent,
  CommentVisibility,
  DLQ_STREAM,
  ErrorCode,
  type EventDeclaration,
  HoldReason,
  IncidentEvents,
  IncidentRpc,
  IncidentState,
  type IncidentStateChangedV1,
  type IncidentUpdatedV1,
  Priority,
  ProblemEvents,
  ProblemLinkSource,
  ProblemResolutionCode,
  ProblemState,
  type ProblemView,
  ResolutionCode,
} from '@itsm/contracts';
import { alice, fieldsOf, readStream, sam, waitFor } from '@itsm/testing';
import { IncidentHarness } from './support/incident-harness';

const CONSUMER = 'incident-problems';
let problemNumber = 1000;

/** A problem as the problem service's events carry it (every field of ProblemView). */
function buildProblemView(overrides: Partial<ProblemView> = {}): ProblemView {
  problemNumber += 1;
  const now = new Date().toISOString();
  return {
    id: randomUUID(),
    number: `PRB${String(problemNumber).padStart(7, '0')}`,
    title: 'VPN gateway drops tunnels under load',
    description: '',
    category: 'network',
    serviceId: null,
    ciIds: [],
    impact: 2,
    urgency: 2,
    priority: Priority.P3,
    assignmentGroup: 'network-ops',
    assigneeId: 'sam',
    incidentIds: [],
    changeIds: [],
    rootCause: null,
    causeCategory: null,
    workaround: null,
    state: ProblemState.Assess,
    resolutionCode: null,
    resolution: null,
    detected: false,
    detection: null,
    knownError: null,
    rootCauseIdentifiedAt: null,
    resolvedAt: null,
    closedAt: null,
    canceledAt: null,
    cancelReason: null,
    openedBy: 'sam',
    createdAt: now,
    updatedAt: now,
    version: 1,
    ...overrides,
  };
}

/** The problem as resolved: state, resolution and the incidents linked at that moment. */
function resolvedProblem(problem: ProblemView, incidentIds: string[], resolutionCode: ProblemResolutionCode, resolution: string): ProblemView {
  const now = new Date().toISOString();
  return { ...problem, incidentIds, state: ProblemState.Resolved, rootCause: 'Firmware leaks tunnel slots.', causeCategory: 'software', resolutionCode, resolution, resolvedAt: now, updatedAt: now, version: problem.version + 1 };
}

/** The problem service's side, as its outbox publishes (source `itsm/problem`, subject the problem id). */
class ProblemOutbox {
  constructor(private readonly h: IncidentHarness) {}

  publish<T>(event: EventDeclaration<string, T>, problem: ProblemView, data: T): Promise<string> {
    return this.h.publish(event, problem.id, data, { source: 'itsm/problem' });
  }

  link(problem: ProblemView, incidentId: string): Promise<string> {
    const linked = { ...problem, incidentIds: [...problem.incidentIds, incidentId], version: problem.version + 1 };
    return this.publish(ProblemEvents.incidentLinked, problem, { problem: linked, incidentId, source: ProblemLinkSource.Manual });
  }

  unlink(problem: ProblemView, incidentId: string): Promise<string> {
    const unlinked = { ...problem, incidentIds: problem.incidentIds.filter((id) => id !== incidentId), version: problem.version + 1 };
    return this.publish(ProblemEvents.incidentUnlinked, problem, { problem: unlinked, incidentId });
  }

  resolve(problem: ProblemView, incidentIds: string[], resolutionCode: ProblemResolutionCode, resolution: string): Promise<string> {
    return this.publish(ProblemEvents.resolved, problem, { problem: resolvedProblem(problem, incidentIds, resolutionCode, resolution), resolutionCode, resolution });
  }

  /** The same event again, id and all, as JetStream redelivers it (published without the de-duplication header). */
  async redeliver(eventId: string): Promise<void> {
    const [stored] = (await readStream<CloudEvent>(this.h.nc, 'ITSM_EVENTS', 'itsm.events.problem.>')).filter((m) => m.body.id === eventId);
    if (!stored) throw new Error(`event ${eventId} is not on the stream`);
    await this.h.nc.jetstream().publish(stored.subject, JSON.stringify(stored.body));
  }
}

/**
 * Resolves once the consumer has taken the event: its inbox row commits with what the event changed (or with its
 * dead letter: see noDeadLetters). One problem's events are taken in order, so this also says that every earlier
 * event of the problem, a redelivery included, has been taken.
 */
async function handled(h: IncidentHarness, eventId: string): Promise<void> {
  await waitFor(async () => (await h.count(`inbox WHERE consumer = $1 AND event_id = $2`, [CONSUMER, eventId])) === 1, { what: `${CONSUMER} to take ${eventId}` });
}

async function noDeadLetters(h: IncidentHarness): Promise<void> {
  await expect(readStream(h.nc, DLQ_STREAM, `itsm.dlq.${CONSUMER}`)).resolves.toEqual([]);
}

async function problemUpdates(h: IncidentHarness, incidentId: string): Promise<Array<CloudEvent<IncidentUpdatedV1>>> {
  const events = await h.eventsNow<IncidentUpdatedV1>(IncidentEvents.updated, incidentId);
  return events.filter((event) => event.data.changes.some((change) => change.field === 'problemId'));
}

function comments(h: IncidentHarness, incidentId: string) {
  return h.rpc.call(IncidentRpc.comments, { id: incidentId }, { actor: sam }).then((list) => list.items);
}

const commentText = (problem: ProblemView, code: string, resolution: string) => `Problem ${problem.number} was resolved (${code}): ${resolution}`;

describe('incidents linked to problems', () => {
  describe('by default (PROBLEM_RESOLVES_INCIDENTS off)', () => {
    let h: IncidentHarness;
    let problems: ProblemOutbox;

    beforeAll(async () => {
      h = await IncidentHarness.start();
      problems = new ProblemOutbox(h);
    });

    afterAll(async () => {
      await noDeadLetters(h);
      await h.stop();
    });

    it('points an incident to the problem it is linked to and clears it when unlinked, each as an update by the system', async () => {
      const incident = await h.open(alice);
      const problem = buildProblemView();

      await problems.link(problem, incident.id);

      await waitFor(async () => (await h.row(incident.id))['problem_id'] === problem.id, { what: 'the link' });
      await expect(h.row(incident.id)).resolves.toMatchObject({ problem_id: problem.id, version: 2 });
      const [linked] = await h.events<IncidentUpdatedV1>(IncidentEvents.updated, incident.id);
      expect(linked?.data).toMatchObject({ changes: [{ field: 'problemId', from: null, to: problem.id }], incident: { problemId: problem.id, version: 2 } });
      await expect(h.rpc.call(IncidentRpc.get, { id: incident.id }, { actor: sam })).resolves.toMatchObject({ problemId: problem.id });

      await problems.unlink({ ...problem, incidentIds: [incident.id], version: 2 }, incident.id);

      await waitFor(async () => (await h.row(incident.id))['problem_id'] === null, { what: 'the unlink' });
      const updates = await h.events<IncidentUpdatedV1>(IncidentEvents.updated, incident.id, 2);
      expect(updates.map((event) => event.data.changes)).toEqual([[{ field: 'problemId', from: null, to: problem.id }], [{ field: 'problemId', from: problem.id, to: null }]]);
      const audit = await h.audit(incident.id);
      expect(audit.slice(1).map((row) => [row.action, row.actor_id])).toEqual([
        ['updated', 'system'],
        ['updated', 'system'],
      ]);
    });

    it('links an incident whatever its state, closed ones too', async () => {
      const closed = await h.inState(IncidentState.Closed);
      const problem = buildProblemView();

      const eventId = await problems.link(problem, closed.id);
      await handled(h, eventId);

      await expect(h.row(closed.id)).resolves.toMatchObject({ problem_id: problem.id, state: IncidentState.Closed, version: closed.version + 1 });
    });

    it('keeps the link to a later problem when an earlier one unlinks the incident', async () => {
      const incident = await h.open(alice);
      const first = buildProblemView();
      const second = buildProblemView();
      await handled(h, await problems.link(first, incident.id));
      await handled(h, await problems.link(second, incident.id));

      const eventId = await problems.unlink(first, incident.id);
      await handled(h, eventId);

      await expect(h.row(incident.id)).resolves.toMatchObject({ problem_id: second.id, version: 3 });
      await expect(problemUpdates(h, incident.id)).resolves.toHaveLength(2);
    });

    it('applies a link and an unlink once, whether the event comes again or the same change comes in another event', async () => {
      const incident = await h.open(alice);
      const problem = buildProblemView();
      const linkId = await problems.link(problem, incident.id);
      await handled(h, linkId);

      await problems.redeliver(linkId);
      await handled(h, await problems.link(problem, incident.id));

      await expect(h.row(incident.id)).resolves.toMatchObject({ problem_id: problem.id, version: 2 });
      await expect(problemUpdates(h, incident.id)).resolves.toHaveLength(1);

      const unlinkId = await problems.unlink(problem, incident.id);
      await handled(h, unlinkId);
      await problems.redeliver(unlinkId);
      await handled(h, await problems.unlink(problem, incident.id));

      await expect(h.row(incident.id)).resolves.toMatchObject({ problem_id: null, version: 3 });
      await expect(problemUpdates(h, incident.id)).resolves.toHaveLength(2);
    });

    it('comments the resolution to each open linked incident, not to resolved or closed ones, and leaves them open', async () => {
      const fresh = await h.open(alice);
      const working = await h.inState(IncidentState.InProgress);
      const waiting = await h.inState(IncidentState.OnHold);
      const resolved = await h.inState(IncidentState.Resolved);
      const closed = await h.inState(IncidentState.Closed);
      const linked = [fresh, working, waiting, resolved, closed];
      const problem = buildProblemView();
      const resolution = 'Upgraded the gateway firmware to 9.2.';

      const eventId = await problems.resolve(problem, linked.map((incident) => incident.id), ProblemResolutionCode.PermanentFix, resolution);
      await handled(h, eventId);

      for (const incident of [fresh, working, waiting]) {
        await expect(comments(h, incident.id)).resolves.toEqual([
          expect.objectContaining({ body: commentText(problem, 'permanent fix', resolution), visibility: CommentVisibility.Public, authorId: 'system', authorName: null }),
        ]);
        await expect(h.row(incident.id)).resolves.toMatchObject({ state: incident.state, version: incident.version, resolution_code: null });
        const [added] = await h.events(IncidentEvents.commentAdded, incident.id);
        expect(added?.data).toMatchObject({ incidentId: incident.id, number: incident.number, comment: { body: commentText(problem, 'permanent fix', resolution), visibility: CommentVisibility.Public } });
      }
      for (const incident of [resolved, closed]) {
        await expect(comments(h, incident.id)).resolves.toEqual([]);
        await expect(h.row(incident.id)).resolves.toMatchObject({ state: incident.state, version: incident.version });
      }
      // A system comment is not the agents' first response.
      await expect(h.row(fresh.id)).resolves.toMatchObject({ responded_at: null });
    });

    it('comments a resolution once, however often it arrives', async () => {
      const incident = await h.open(alice);
      const problem = buildProblemView();
      const eventId = await problems.resolve(problem, [incident.id], ProblemResolutionCode.RiskAccepted, 'Load stays below the limit until the hardware refresh.');
      await handled(h, eventId);

      await problems.redeliver(eventId);
      await handled(h, await problems.resolve(problem, [incident.id], ProblemResolutionCode.RiskAccepted, 'Load stays below the limit until the hardware refresh.'));

      await expect(comments(h, incident.id)).resolves.toEqual([expect.objectContaining({ body: commentText(problem, 'risk accepted', 'Load stays below the limit until the hardware refresh.') })]);
      await expect(h.eventsNow(IncidentEvents.commentAdded, incident.id)).resolves.toHaveLength(1);
      await expect(h.row(incident.id)).resolves.toMatchObject({ state: IncidentState.New, version: 1 });
    });

    it('refuses problemId when an incident is opened or changed, naming the field: only the problem links', async () => {
      const incident = await h.open(alice);
      const problemId = randomUUID();

      const opened = await h.open(sam, { problemId } as never).catch((error: unknown) => error);
      expect(opened).toMatchObject({ code: ErrorCode.VALIDATION, details: { errors: [{ field: 'problemId', message: 'problemId is not a field of this message' }] } });

      const changed = await h.rpc.call(IncidentRpc.update, { id: incident.id, changes: { problemId } as never }, { actor: sam }).catch((error: unknown) => error);
      expect(changed).toMatchObject({ code: ErrorCode.VALIDATION });
      expect(fieldsOf(changed)).toEqual(['changes.problemId']);

      await expect(h.row(incident.id)).resolves.toMatchObject({ problem_id: null, version: 1 });
      await expect(h.count('incidents WHERE opened_by_id = $1', [sam.sub])).resolves.toBe(0);
    });
  });

  describe('with PROBLEM_RESOLVES_INCIDENTS=true', () => {
    let h: IncidentHarness;
    let problems: ProblemOutbox;

    beforeAll(async () => {
      h = await IncidentHarness.start({ PROBLEM_RESOLVES_INCIDENTS: 'true' });
      problems = new ProblemOutbox(h);
    });

    afterAll(async () => {
      await noDeadLetters(h);
      await h.stop();
    });

    it('resolves each open linked incident with permanent_fix and the problem’s resolution, as the system, after the comment', async () => {
      const fresh = await h.open(alice);
      const working = await h.inState(IncidentState.InProgress);
      const waiting = await h.inState(IncidentState.OnHold);
      const closed = await h.inState(IncidentState.Closed);
      const problem = buildProblemView();
      const resolution = 'Upgraded the gateway firmware to 9.2.';

      const eventId = await problems.resolve(problem, [fresh.id, working.id, waiting.id, closed.id], ProblemResolutionCode.PermanentFix, resolution);
      await handled(h, eventId);

      for (const incident of [fresh, working, waiting]) {
        await expect(h.row(incident.id)).resolves.toMatchObject({
          state: IncidentState.Resolved,
          resolution_code: ResolutionCode.PermanentFix,
          resolution_notes: resolution,
          hold_reason: null,
          resolved_at: expect.any(Date),
        });
        const last = (await h.eventsNow<IncidentStateChangedV1>(IncidentEvents.stateChanged, incident.id)).at(-1);
        expect(last?.data).toMatchObject({ from: incident.state, to: IncidentState.Resolved, reason: `resolved with problem ${problem.number}`, incident: { resolutionCode: ResolutionCode.PermanentFix } });
        expect((await h.audit(incident.id)).slice(-2).map((row) => [row.action, row.actor_id])).toEqual([
          ['comment_added', 'system'],
          ['state_changed', 'system'],
        ]);
        await expect(comments(h, incident.id)).resolves.toEqual([expect.objectContaining({ body: commentText(problem, 'permanent fix', resolution) })]);
      }
      await expect(h.row(closed.id)).resolves.toMatchObject({ state: IncidentState.Closed, resolution_notes: closed.resolutionNotes, version: closed.version });
      await expect(comments(h, closed.id)).resolves.toEqual([]);
    });

    it('resolves the open children of a resolved incident with it, as a resolution by hand does', async () => {
      const parent = await h.inState(IncidentState.InProgress);
      const child = await h.open(alice);
      await h.rpc.call(IncidentRpc.linkChildren, { id: parent.id, childIds: [child.id] }, { actor: sam });
      const problem = buildProblemView();

      await handled(h, await problems.resolve(problem, [parent.id], ProblemResolutionCode.PermanentFix, 'Replaced the core switch.'));

      await expect(h.row(child.id)).resolves.toMatchObject({ state: IncidentState.Resolved, resolution_code: ResolutionCode.PermanentFix, resolution_notes: 'Replaced the core switch.' });
      const last = (await h.eventsNow<IncidentStateChangedV1>(IncidentEvents.stateChanged, child.id)).at(-1);
      expect(last?.data).toMatchObject({ to: IncidentState.Resolved, reason: `resolved with parent ${parent.number}` });
    });

    it('only comments when the problem was resolved otherwise than with a permanent fix', async () => {
      const incident = await h.inState(IncidentState.InProgress);
      const problem = buildProblemView();

      await handled(h, await problems.resolve(problem, [incident.id], ProblemResolutionCode.CannotReproduce, 'No failure in two weeks of load tests.'));

      await expect(comments(h, incident.id)).resolves.toEqual([expect.objectContaining({ body: commentText(problem, 'cannot reproduce', 'No failure in two weeks of load tests.') })]);
      await expect(h.row(incident.id)).resolves.toMatchObject({ state: IncidentState.InProgress, version: incident.version });
    });

    it('resolves and comments once when the resolution arrives twice', async () => {
      const incident = await h.inState(IncidentState.OnHold);
      expect(incident.holdReason).toBe(HoldReason.AwaitingVendor);
      const problem = buildProblemView();
      const eventId = await problems.resolve(problem, [incident.id], ProblemResolutionCode.PermanentFix, 'Vendor patch 4.1 installed.');
      await handled(h, eventId);
      const once: Record<string, unknown> = await h.row(incident.id);

      await problems.redeliver(eventId);
      await handled(h, await problems.resolve(problem, [incident.id], ProblemResolutionCode.PermanentFix, 'Vendor patch 4.1 installed.'));

      await expect(h.row(incident.id)).resolves.toEqual(once);
      expect(once).toMatchObject({ state: IncidentState.Resolved, version: incident.version + 1 });
      await expect(comments(h, incident.id)).resolves.toHaveLength(1);
      const moves = await h.eventsNow<IncidentStateChangedV1>(IncidentEvents.stateChanged, incident.id);
      expect(moves.filter((event) => event.data.to === IncidentState.Resolved)).toHaveLength(1);
    });
  });
});

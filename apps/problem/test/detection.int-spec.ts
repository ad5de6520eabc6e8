import { randomUUID } from 'node:crypto';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { DetectionScope, IncidentRpc, type IncidentView, ProblemEvents, ProblemLinkSource, ProblemRpc, ProblemState } from '@itsm/contracts';
import { alice, maria, sam, waitFor } from '@itsm/testing';
import { Detector } from '../src/detection/detector';
import { DEFAULT_DETECTION_RULE_ID } from '../src/migrations/1796539161260-createProblems';
import { created, incidentAt, type IncidentMessage, publishAll, shuffled, updated } from './support/incident-events';
// eslint-disable-next-line @nx/enforce-module-boundaries -- a test runs the real incident service beside this one, through its own harness; no source of one app imports another
import { IncidentHarness } from '../../incident/test/support/incident-harness';
import { ProblemHarness } from './support/problem-harness';

const CONSUMER = 'problem-detection';

interface ProblemRow {
  id: string;
  number: string;
  title: string;
  state: string;
  detected: boolean;
  detection_key: string;
  detection_rule_id: string;
  detection_scope: string;
  detection_ci_id: string | null;
  detection_category: string;
  incident_ids: string[];
  priority: string;
  opened_by_id: string;
  version: number;
}

describe('detection of recurring incidents', () => {
  let h: ProblemHarness;

  beforeAll(async () => {
    // Two instances on one database (one holds the consumer's lease), each handling several incidents at once.
    h = await ProblemHarness.start({ CONSUMER_CONCURRENCY: '8' }, { replicas: 2 });
  });

  afterAll(async () => {
    await h.stop();
  });

  const problemsOf = (key: string): Promise<ProblemRow[]> => h.database.query(`SELECT * FROM problem.problems WHERE detection_key = $1 ORDER BY created_at`, [key]);

  /** Publishes the messages and waits until the detector has handled every one of them. */
  async function deliver(messages: readonly IncidentMessage[]): Promise<void> {
    const ids = await publishAll(h.nc, messages);
    await waitFor(async () => (await h.count(`inbox WHERE consumer = $1 AND event_id = ANY($2::uuid[])`, [CONSUMER, ids])) === ids.length, { what: `${ids.length} incident events handled` });
    await h.outboxDrained();
  }

  /** Each incident's created event and an update (assignment) to version 2: the versions detection sees. */
  function versionsOf(incidents: readonly IncidentView[]): IncidentMessage[] {
    return incidents.flatMap((incident) => [created(incident), updated(incident, { assignmentGroup: 'network-ops' }).message]);
  }

  describe('five incidents of one CI and category within 24 hours', () => {
    const ci = randomUUID();
    const key = `ci:${ci}:network`;
    // Categories compare ignoring case and blanks; the incidents span 20 of the 24 hours.
    const incidents = ['Network', 'network', ' NETWORK', 'network ', 'Network'].map((category, i) => incidentAt(20 - i * 5, { category, ciIds: [ci] }));
    const ids = incidents.map((incident) => incident.id).sort();

    it('open exactly one candidate with all five linked, though every event comes twice and out of order', async () => {
      const messages = versionsOf(incidents);
      await deliver(shuffled([...messages, ...messages], 7));

      const problems = await problemsOf(key);
      expect(problems).toHaveLength(1);
      const [problem] = problems;
      expect(problem).toMatchObject({
        state: ProblemState.New,
        detected: true,
        detection_rule_id: DEFAULT_DETECTION_RULE_ID,
        detection_scope: DetectionScope.Ci,
        detection_ci_id: ci,
        detection_category: 'network',
        title: `Recurring: network on ${ci}`,
        priority: 'P3',
        opened_by_id: 'system',
      });
      expect([...(problem?.incident_ids ?? [])].sort()).toEqual(ids);
      const links = await h.database.query<{ incident_id: string; source: string }>(`SELECT incident_id, source FROM problem.problem_incidents WHERE problem_id = $1 ORDER BY incident_id`, [problem?.id]);
      expect(links).toEqual(ids.map((incidentId) => ({ incident_id: incidentId, source: ProblemLinkSource.Detected })));

      const id = problem?.id ?? '';
      await expect(h.eventsNow(ProblemEvents.created, id)).resolves.toHaveLength(1);
      const candidates = await h.eventsNow(ProblemEvents.candidateDetected, id);
      expect(candidates).toHaveLength(1);
      expect(candidates[0]?.data).toMatchObject({
        incidentIds: ids,
        detection: { ruleId: DEFAULT_DETECTION_RULE_ID, scope: DetectionScope.Ci, ciId: ci, serviceId: null, category: 'network' },
        problem: { id, detected: true, state: ProblemState.New },
      });
      const linked = await h.eventsNow(ProblemEvents.incidentLinked, id);
      expect(linked.map((event) => event.data.incidentId).sort()).toEqual(ids);
      expect(linked.every((event) => event.data.source === ProblemLinkSource.Detected)).toBe(true);

      // The agents see it like any other problem.
      await expect(h.rpc.call(ProblemRpc.get, { id }, { actor: maria })).resolves.toMatchObject({
        detected: true,
        detection: { ruleId: DEFAULT_DETECTION_RULE_ID, ruleName: 'Same CI and category', scope: DetectionScope.Ci, ciId: ci, serviceId: null, category: 'network' },
      });
    });

    it('keep the newest version of each incident, whatever arrived last', async () => {
      const rows = await h.database.query<{ incident_id: string; version: number; category: string }>(
        `SELECT incident_id, version, category FROM problem.incident_observations WHERE incident_id = ANY($1::uuid[])`,
        [ids],
      );
      expect(rows).toHaveLength(5);
      expect(rows.every((row) => row.version === 2 && row.category === 'network')).toBe(true);
    });

    it('link a sixth incident of the pattern to the same candidate instead of opening another', async () => {
      const [before] = await problemsOf(key);
      const sixth = incidentAt(1, { category: 'network', ciIds: [ci, randomUUID()] });
      await deliver([created(sixth), created(sixth)]);

      const problems = await problemsOf(key);
      expect(problems).toHaveLength(1);
      expect(problems[0]?.incident_ids).toEqual([...(before?.incident_ids ?? []), sixth.id]);
      expect(problems[0]?.version).toBe((before?.version ?? 0) + 1);
      const linked = await h.eventsNow(ProblemEvents.incidentLinked, before?.id ?? '');
      expect(linked.filter((event) => event.data.incidentId === sixth.id)).toEqual([
        expect.objectContaining({ data: expect.objectContaining({ source: ProblemLinkSource.Detected, problem: expect.objectContaining({ version: (before?.version ?? 0) + 1 }) }) }),
      ]);
      await expect(h.eventsNow(ProblemEvents.candidateDetected, before?.id ?? '')).resolves.toHaveLength(1);
    });
  });

  it('counts neither an incident of another category nor one outside the window', async () => {
    const ci = randomUUID();
    const key = `ci:${ci}:network`;
    const inWindow = [2, 6, 10, 14].map((hoursAgo) => incidentAt(hoursAgo, { category: 'network', ciIds: [ci] }));
    const otherCategory = incidentAt(3, { category: 'database', ciIds: [ci] });
    // 26 hours before the newest of the pattern: outside its 24 hours.
    const tooOld = incidentAt(28, { category: 'network', ciIds: [ci] });
    const otherCi = incidentAt(4, { category: 'network', ciIds: [randomUUID()] });
    await deliver([...inWindow, otherCategory, tooOld, otherCi].map(created));

    await expect(problemsOf(key)).resolves.toEqual([]);
    await expect(problemsOf(`ci:${ci}:database`)).resolves.toEqual([]);

    // The fifth in the window crosses the threshold, and only the five of the window are linked.
    const fifth = incidentAt(1, { category: 'Network', ciIds: [ci] });
    await deliver([created(fifth)]);
    const problems = await problemsOf(key);
    expect(problems).toHaveLength(1);
    expect([...(problems[0]?.incident_ids ?? [])].sort()).toEqual([...inWindow, fifth].map((incident) => incident.id).sort());
  });

  it('forgets an incident whose newer version left the pattern, and ignores its older version arriving late', async () => {
    const ci = randomUUID();
    const key = `ci:${ci}:network`;
    const four = [1, 2, 3, 4].map((hoursAgo) => incidentAt(hoursAgo, { category: 'network', ciIds: [ci] }));
    const moved = incidentAt(5, { category: 'network', ciIds: [ci] });
    const { message: recategorized } = updated(moved, { category: 'hardware' });
    // Version 2 (hardware) before version 1 (network): the late version 1 changes nothing.
    await deliver([...four.map(created), recategorized, created(moved)]);

    await expect(problemsOf(key)).resolves.toEqual([]);
    const [observation] = await h.database.query<{ version: number; category: string }>(`SELECT version, category FROM problem.incident_observations WHERE incident_id = $1`, [moved.id]);
    expect(observation).toEqual({ version: 2, category: 'hardware' });
  });

  it('opens a candidate per business service with a rule of scope service, and not for a disabled rule', async () => {
    const service = randomUUID();
    const rule = await h.rpc.call(
      ProblemRpc.createDetectionRule,
      { name: 'Three on one service in an hour', scope: DetectionScope.Service, serviceId: null, category: 'email', threshold: 3, windowHours: 1 },
      { actor: maria },
    );
    const disabled = await h.rpc.call(
      ProblemRpc.createDetectionRule,
      { name: 'Two of anything on one service', scope: DetectionScope.Service, threshold: 2, windowHours: 24, enabled: false },
      { actor: maria },
    );
    // Other categories on the service do not count for a rule of category email; the disabled rule sees nothing.
    await deliver([incidentAt(0.1, { category: 'printing', serviceId: service }), incidentAt(0.2, { category: 'printing', serviceId: service })].map(created));
    await expect(problemsOf(`service:${service}:printing`)).resolves.toEqual([]);

    const mail = [0.1, 0.3, 0.5].map((hoursAgo) => incidentAt(hoursAgo, { category: 'Email', serviceId: service }));
    await deliver(mail.map(created));
    const problems = await problemsOf(`service:${service}:email`);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ detection_rule_id: rule.id, detection_scope: DetectionScope.Service, detection_ci_id: null, title: `Recurring: email on ${service}` });
    expect([...(problems[0]?.incident_ids ?? [])].sort()).toEqual(mail.map((incident) => incident.id).sort());
    expect(disabled.enabled).toBe(false);
  });

  it('does not link again an incident that another problem explains, nor reopen a canceled candidate for the same incidents', async () => {
    const ci = randomUUID();
    const key = `ci:${ci}:network`;
    const incidents = [1, 2, 3, 4, 5].map((hoursAgo) => incidentAt(hoursAgo, { category: 'network', ciIds: [ci] }));
    await deliver(incidents.map(created));
    const [candidate] = await problemsOf(key);
    expect(candidate?.incident_ids).toHaveLength(5);

    // The candidate is rejected; the next version of each of its incidents makes no new candidate.
    await h.database.query(`UPDATE problem.problems SET state = 'canceled', canceled_at = now(), cancel_reason = 'not a pattern' WHERE id = $1`, [candidate?.id]);
    await deliver(incidents.map((incident) => updated(incident, { assignmentGroup: 'network-ops' }).message));
    await expect(problemsOf(key)).resolves.toHaveLength(1);

    // Five new ones are a new recurrence: a new candidate with only them.
    const again = [0.1, 0.2, 0.3, 0.4, 0.5].map((hoursAgo) => incidentAt(hoursAgo, { category: 'network', ciIds: [ci] }));
    await deliver(again.map(created));
    const problems = await problemsOf(key);
    expect(problems).toHaveLength(2);
    expect([...(problems[1]?.incident_ids ?? [])].sort()).toEqual(again.map((incident) => incident.id).sort());
    expect(problems[1]?.state).toBe(ProblemState.New);
  });

  it('leaves out an incident linked to another open problem: it neither counts nor is linked again', async () => {
    const ci = randomUUID();
    const key = `ci:${ci}:network`;
    const incidents = [1, 2, 3, 4, 5].map((hoursAgo) => incidentAt(hoursAgo, { category: 'network', ciIds: [ci] }));
    const [explained] = incidents;
    const manual = await h.open({ category: 'network', ciIds: [] }, maria);
    await h.database.query(`INSERT INTO problem.problem_incidents (problem_id, incident_id, source, linked_by_id) VALUES ($1, $2, 'manual', 'maria')`, [manual.id, explained?.id]);
    await h.database.query(`UPDATE problem.problems SET incident_ids = ARRAY[$2::uuid] WHERE id = $1`, [manual.id, explained?.id]);
    await deliver(incidents.map(created));
    await expect(problemsOf(key)).resolves.toEqual([]);

    const sixth = incidentAt(0.5, { category: 'network', ciIds: [ci] });
    await deliver([created(sixth)]);
    const problems = await problemsOf(key);
    expect(problems).toHaveLength(1);
    expect([...(problems[0]?.incident_ids ?? [])].sort()).toEqual([...incidents.slice(1), sixth].map((incident) => incident.id).sort());
    await expect(h.count(`problem_incidents WHERE incident_id = $1`, [explained?.id])).resolves.toBe(1);
  });

  it('opens one candidate when both replicas count incidents of one pattern at the same time', async () => {
    const ci = randomUUID();
    const key = `ci:${ci}:network`;
    // Exactly the threshold: a count that missed one of them (each transaction seeing only itself and what had
    // committed) would open nothing, and two counts that each saw all would open two.
    const incidents = [1, 2, 3, 4, 5].map((hoursAgo) => incidentAt(hoursAgo, { category: 'network', ciIds: [ci] }));
    // Every incident observed twice, once by each replica, all in transactions of their own at once.
    await Promise.all(
      [...incidents, ...incidents].map((incident, i) => {
        const replica = h.replicas[Math.floor(i / incidents.length)];
        if (!replica) throw new Error('two replicas expected');
        const dataSource = replica.app.get<DataSource>(getDataSourceToken(), { strict: false });
        return dataSource.transaction(async (manager) => {
          await replica.app.get(Detector, { strict: false }).observe(manager, incident);
          // Each transaction stays open a moment after its count, as a consumer's does until it commits: without
          // the pattern's lock, every count would see none of the others' incidents.
          await manager.query(`SELECT pg_sleep(0.1)`);
        });
      }),
    );

    const problems = await problemsOf(key);
    expect(problems).toHaveLength(1);
    expect([...(problems[0]?.incident_ids ?? [])].sort()).toEqual(incidents.map((incident) => incident.id).sort());
    await expect(h.count(`problem_incidents WHERE problem_id = $1`, [problems[0]?.id])).resolves.toBe(5);
    await expect(h.eventsNow(ProblemEvents.candidateDetected, problems[0]?.id ?? '')).resolves.toHaveLength(1);
    await expect(h.eventsNow(ProblemEvents.incidentLinked, problems[0]?.id ?? '')).resolves.toHaveLength(5);
  });
  describe('with the incident service running', () => {
    let incidents: IncidentHarness;

    beforeAll(async () => {
      incidents = await IncidentHarness.start({}, { fresh: false });
      // Its RPC subscription may reach the broker a moment after start returns.
      await waitFor(() => incidents.rpc.call(IncidentRpc.list, {}, { actor: sam }).then(() => true, () => false), { what: 'the incident service to answer' });
    });

    afterAll(async () => {
      await incidents.stop();
    });

    it('opens a candidate from the incidents as the incident service announces them, and the incidents learn their problem', async () => {
      const ci = randomUUID();
      const opened = [];
      for (let i = 0; i < 5; i += 1) opened.push(await incidents.open(alice, { category: 'Printing', ciIds: [ci] }));
      const ids = opened.map((incident) => incident.id).sort();

      const [problem] = await waitFor(async () => {
        const found = await problemsOf(`ci:${ci}:printing`);
        return found.length === 1 && found[0]?.incident_ids.length === 5 ? found : undefined;
      }, { what: 'the candidate with five incidents' });
      expect([...(problem?.incident_ids ?? [])].sort()).toEqual(ids);
      // The incident service links each incident back; the newer versions it announces change nothing here.
      await waitFor(async () => {
        const rows = await incidents.database.query<{ problem_id: string | null }>(`SELECT problem_id FROM incident.incidents WHERE id = ANY($1::uuid[])`, [ids]);
        return rows.every((row) => row.problem_id === problem?.id);
      }, { what: 'the incidents to point at the candidate' });
      await incidents.outboxDrained();
      await waitFor(async () => (await h.count(`incident_observations WHERE incident_id = ANY($1::uuid[]) AND version > 1`, [ids])) === 5, { what: 'the newer versions observed' });
      await h.outboxDrained();
      await expect(problemsOf(`ci:${ci}:printing`)).resolves.toEqual([expect.objectContaining({ id: problem?.id, version: problem?.version })]);
    });
  });
});

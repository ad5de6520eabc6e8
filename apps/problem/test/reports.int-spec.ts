import { randomUUID } from 'node:crypto';
import { ErrorCode, type IncidentView, KnownErrorState, ProblemRpc, ProblemState, ResolutionCode } from '@itsm/contracts';
import { alice, buildIncidentView, fieldsOf, sam, waitFor } from '@itsm/testing';
import { created, type IncidentMessage, publishAll, updated } from './support/incident-events';
import { ProblemHarness } from './support/problem-harness';

const PERIOD = { from: '2025-03-01T00:00:00.000Z', to: '2025-04-01T00:00:00.000Z' };
const CI_A = randomUUID();
const CI_B = randomUUID();

interface ProblemSeed {
  number: string;
  category: string;
  createdAt: string;
  ciIds?: string[];
  incidentIds?: string[];
  rootCauseIdentifiedAt?: string;
  state?: ProblemState;
  detected?: boolean;
  knownErrorId?: string;
}

describe('problem reports', () => {
  let h: ProblemHarness;
  const incidents: Record<string, IncidentView> = {};
  const problems: Record<string, string> = {};
  const knownErrors: Record<string, string> = {};

  const incident = (name: string, createdAt: string, category: string | null, ciIds: string[]): IncidentView => {
    incidents[name] = buildIncidentView({ createdAt, openedAt: createdAt, updatedAt: createdAt, category, ciIds });
    return incidents[name];
  };
  const id = (name: string): string => incidents[name]?.id ?? '';

  async function seedProblem(name: string, seed: ProblemSeed): Promise<void> {
    problems[name] = randomUUID();
    await h.database.query(
      `INSERT INTO problem.problems (id, number, title, category, ci_ids, impact, urgency, priority, incident_ids, state, detected, root_cause_identified_at, known_error_id, known_error_number, known_error_state, opened_by_id, created_at, updated_at, version)
       VALUES ($1, $2, $3, $4, $5::uuid[], 2, 2, 'P3', $6::uuid[], $7, $8, $9, $10, $11, $12, 'sam', $13, $13, 1)`,
      [
        problems[name],
        seed.number,
        `Problem ${name}`,
        seed.category,
        seed.ciIds ?? [],
        seed.incidentIds ?? [],
        seed.state ?? ProblemState.New,
        seed.detected ?? false,
        seed.rootCauseIdentifiedAt ?? null,
        seed.knownErrorId ?? null,
        seed.knownErrorId ? `KE${seed.number.slice(3)}` : null,
        seed.knownErrorId ? KnownErrorState.Published : null,
        seed.createdAt,
      ],
    );
    for (const incidentId of seed.incidentIds ?? []) {
      await h.database.query(`INSERT INTO problem.problem_incidents (problem_id, incident_id, source, linked_by_id) VALUES ($1, $2, 'manual', 'sam')`, [problems[name], incidentId]);
    }
  }

  async function seedKnownError(name: string, problem: string, number: string, state: KnownErrorState): Promise<void> {
    await h.database.query(
      `INSERT INTO problem.known_errors (id, number, problem_id, problem_number, title, symptoms, root_cause, workaround, state, published_at, published_by_id, version)
       VALUES ($1, $2, $3, $4, $5, 'symptoms', 'cause', 'workaround', $6, '2025-03-01T00:00:00Z', 'maria', 1)`,
      [knownErrors[name], number, problems[problem], `PRB${number.slice(2)}`, `Known error ${name}`, state],
    );
  }

  beforeAll(async () => {
    h = await ProblemHarness.start();
    // The incidents, as their events bring them in: in the period, on CI A and B, of three categories (one none).
    incident('i1', '2025-03-02T08:00:00.000Z', 'network', [CI_A]);
    incident('i2', '2025-03-03T08:00:00.000Z', 'Network', [CI_A]);
    incident('i3', '2025-03-04T08:00:00.000Z', 'network', [CI_A]);
    incident('i4', '2025-03-05T08:00:00.000Z', 'network', [CI_A]);
    incident('i5', '2025-03-10T08:00:00.000Z', 'email', [CI_A, CI_B]);
    incident('i6', '2025-03-10T09:00:00.000Z', 'email', [CI_A, CI_B]);
    incident('i7', '2025-03-11T08:00:00.000Z', null, []);
    // Before and at the end of the period: not counted.
    incident('before', '2025-02-20T08:00:00.000Z', 'network', [CI_B]);
    incident('atEnd', PERIOD.to, 'network', [CI_A]);
    const resolved = (name: string, code: ResolutionCode, resolvedAt: string): IncidentMessage =>
      updated(incidents[name] as IncidentView, { state: 'resolved' as IncidentView['state'], resolutionCode: code, resolvedAt }).message;
    const messages = [
      ...Object.values(incidents).map(created),
      resolved('i1', ResolutionCode.KnownError, '2025-03-06T00:00:00.000Z'),
      resolved('i2', ResolutionCode.KnownError, '2025-04-02T00:00:00.000Z'),
      resolved('i3', ResolutionCode.Workaround, '2025-03-06T00:00:00.000Z'),
      resolved('i4', ResolutionCode.KnownError, '2025-03-07T00:00:00.000Z'),
      resolved('i5', ResolutionCode.KnownError, '2025-03-12T00:00:00.000Z'),
      resolved('i6', ResolutionCode.KnownError, '2025-03-12T00:00:00.000Z'),
    ];
    const eventIds = await publishAll(h.nc, messages);
    await waitFor(async () => (await h.count(`inbox WHERE event_id = ANY($1::uuid[])`, [eventIds])) === eventIds.length, { what: 'the incident events handled' });

    knownErrors['ke1'] = randomUUID();
    knownErrors['ke2'] = randomUUID();
    await seedProblem('p1', {
      number: 'PRB9000001',
      category: 'Network ',
      ciIds: [CI_A],
      createdAt: '2025-03-03T00:00:00.000Z',
      rootCauseIdentifiedAt: '2025-03-03T10:00:00.000Z',
      incidentIds: [id('i1'), id('i2'), id('i3'), id('i4')],
      state: ProblemState.RootCauseAnalysis,
      knownErrorId: knownErrors['ke1'],
    });
    // Opened before the period, its root cause found in it (432 hours later).
    await seedProblem('p2', {
      number: 'PRB9000002',
      category: 'email',
      createdAt: '2025-02-15T00:00:00.000Z',
      rootCauseIdentifiedAt: '2025-03-05T00:00:00.000Z',
      incidentIds: [id('i5')],
      state: ProblemState.Closed,
      knownErrorId: knownErrors['ke2'],
    });
    await seedProblem('p3', { number: 'PRB9000003', category: 'capacity', createdAt: '2025-03-20T00:00:00.000Z', rootCauseIdentifiedAt: '2025-03-21T06:00:00.000Z', state: ProblemState.FixInProgress });
    // Candidates: one still new, one rejected while new, one accepted, one accepted and canceled later, one after the period.
    await seedProblem('p4', { number: 'PRB9000004', category: 'disk', createdAt: '2025-03-25T00:00:00.000Z', detected: true, incidentIds: [id('i6'), id('i7')] });
    await seedProblem('p5', { number: 'PRB9000005', category: 'disk', createdAt: '2025-03-26T00:00:00.000Z', detected: true, state: ProblemState.Canceled });
    await seedProblem('p6', { number: 'PRB9000006', category: 'disk', createdAt: '2025-03-27T00:00:00.000Z', detected: true, state: ProblemState.Assess });
    await seedProblem('p7', { number: 'PRB9000007', category: 'disk', createdAt: '2025-03-28T00:00:00.000Z', detected: true, state: ProblemState.Canceled });
    await seedProblem('p8', { number: 'PRB9000008', category: 'disk', createdAt: '2025-04-02T00:00:00.000Z', detected: true });
    await h.database.query(`INSERT INTO problem.audit_log (entity_type, entity_id, action, actor_id, after) VALUES ('problem', $1, 'state_changed', 'sam', $2::jsonb)`, [
      problems['p7'],
      JSON.stringify({ state: ProblemState.Assess }),
    ]);
    await seedKnownError('ke1', 'p1', 'KE9000001', KnownErrorState.Published);
    await seedKnownError('ke2', 'p2', 'KE9000002', KnownErrorState.Retired);
  });

  afterAll(async () => {
    await h.stop();
  });

  it('rank the categories and CIs with the most incidents in the period, with the problems opened for them', async () => {
    await expect(h.rpc.call(ProblemRpc.recurringReport, PERIOD, { actor: sam })).resolves.toEqual({
      ...PERIOD,
      categories: [
        { category: 'network', incidents: 4, problems: 1 },
        { category: 'email', incidents: 2, problems: 0 },
        { category: null, incidents: 1, problems: 0 },
      ],
      cis: [
        { ciId: CI_A, incidents: 6, problems: 1 },
        { ciId: CI_B, incidents: 2, problems: 0 },
      ],
    });
    await expect(h.rpc.call(ProblemRpc.recurringReport, { ...PERIOD, limit: 1 }, { actor: sam })).resolves.toMatchObject({
      categories: [{ category: 'network', incidents: 4 }],
      cis: [{ ciId: CI_A, incidents: 6 }],
    });
  });

  it('count the incidents of the problems opened in the period', async () => {
    await expect(h.rpc.call(ProblemRpc.incidentsPerProblemReport, { ...PERIOD, limit: 2 }, { actor: sam })).resolves.toEqual({
      ...PERIOD,
      problems: 6,
      incidents: 6,
      meanIncidentsPerProblem: 1,
      top: [
        { problemId: problems['p1'], number: 'PRB9000001', title: 'Problem p1', state: ProblemState.RootCauseAnalysis, incidents: 4 },
        { problemId: problems['p4'], number: 'PRB9000004', title: 'Problem p4', state: ProblemState.New, incidents: 2 },
      ],
    });
    await expect(h.rpc.call(ProblemRpc.incidentsPerProblemReport, { from: '2024-01-01T00:00:00Z', to: '2024-02-01T00:00:00Z' }, { actor: sam })).resolves.toMatchObject({
      problems: 0,
      incidents: 0,
      meanIncidentsPerProblem: null,
      top: [],
    });
  });

  it('give the mean and median hours to root cause of the root causes found in the period', async () => {
    // 10, 30 and 432 hours.
    await expect(h.rpc.call(ProblemRpc.timeToRootCauseReport, PERIOD, { actor: sam })).resolves.toEqual({ ...PERIOD, count: 3, meanHours: 157.33, medianHours: 30 });
    await expect(h.rpc.call(ProblemRpc.timeToRootCauseReport, { from: '2024-01-01T00:00:00Z', to: '2024-02-01T00:00:00Z' }, { actor: sam })).resolves.toMatchObject({
      count: 0,
      meanHours: null,
      medianHours: null,
    });
  });

  it('count per known error the linked incidents resolved with known_error in the period', async () => {
    // i1 and i4 for KE9000001 (i2 resolved after the period, i3 with a workaround); i5 for KE9000002; i6's problem has none.
    await expect(h.rpc.call(ProblemRpc.knownErrorsInUseReport, PERIOD, { actor: sam })).resolves.toEqual({
      ...PERIOD,
      items: [
        { knownErrorId: knownErrors['ke1'], number: 'KE9000001', title: 'Known error ke1', state: KnownErrorState.Published, problemId: problems['p1'], problemNumber: 'PRB9000001', incidents: 2 },
        { knownErrorId: knownErrors['ke2'], number: 'KE9000002', title: 'Known error ke2', state: KnownErrorState.Retired, problemId: problems['p2'], problemNumber: 'PRB9000002', incidents: 1 },
      ],
    });
  });

  it('tell what became of the candidates detected in the period', async () => {
    await expect(h.rpc.call(ProblemRpc.candidatesReport, PERIOD, { actor: sam })).resolves.toEqual({ ...PERIOD, detected: 4, accepted: 2, canceled: 1, open: 1 });
  });

  it('refuse an empty period, and requesters', async () => {
    const error = await h.rpc.call(ProblemRpc.candidatesReport, { from: PERIOD.to, to: PERIOD.from }, { actor: sam }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: ErrorCode.VALIDATION });
    expect(fieldsOf(error)).toEqual(['to']);
    await expect(h.rpc.call(ProblemRpc.recurringReport, PERIOD, { actor: alice })).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
  });
});

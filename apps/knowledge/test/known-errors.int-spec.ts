import { randomUUID } from 'node:crypto';
import {
  type ArticleView,
  ArticleAudience,
  ArticleState,
  type KnownErrorView,
  KnownErrorState,
  KnowledgeEvents,
  KnowledgeRpc,
  Priority,
  ProblemEvents,
  ProblemState,
  type ProblemView,
} from '@itsm/contracts';
import { sam } from '@itsm/testing';
import { handled, noDeadLetters, publishEvent } from './support/knowledge-fixtures';
import { KnowledgeHarness } from './support/knowledge-harness';

const CONSUMER = 'knowledge-known-errors';
let sequence = 1000;

interface ArticleRow {
  id: string;
  state: string;
  owner_id: string;
  problem_id: string;
  known_error_id: string;
  flagged: boolean;
  flag_reason: string | null;
  version: number;
}

/** A problem with a root cause and workaround, and its known error as just published (by maria), as the problem service's events carry them. */
function publishedKnownError(): { problem: ProblemView; knownError: KnownErrorView } {
  sequence += 1;
  const now = new Date().toISOString();
  const problemId = randomUUID();
  const ciId = randomUUID();
  const knownError: KnownErrorView = {
    id: randomUUID(),
    number: `KE${String(sequence).padStart(7, '0')}`,
    problemId,
    problemNumber: `PRB${String(sequence).padStart(7, '0')}`,
    title: 'VPN tunnels drop above 256 users',
    symptoms: 'Users are disconnected from the VPN every few minutes at peak hours.',
    rootCause: 'The concentrator licence caps tunnels at 256.',
    workaround: 'Connect to the secondary gateway vpn2.example.com.',
    causeCategory: 'capacity',
    ciIds: [ciId],
    serviceId: null,
    category: 'network',
    state: KnownErrorState.Published,
    publishedAt: now,
    publishedBy: 'maria',
    retiredAt: null,
    retireReason: null,
    version: 1,
  };
  const problem: ProblemView = {
    id: problemId,
    number: knownError.problemNumber,
    title: knownError.title,
    description: '',
    category: 'network',
    serviceId: null,
    ciIds: [ciId],
    impact: 2,
    urgency: 2,
    priority: Priority.P3,
    assignmentGroup: 'network-ops',
    assigneeId: 'sam',
    incidentIds: [],
    changeIds: [],
    rootCause: knownError.rootCause,
    causeCategory: 'capacity',
    workaround: knownError.workaround,
    state: ProblemState.FixInProgress,
    resolutionCode: null,
    resolution: null,
    detected: false,
    detection: null,
    knownError: { id: knownError.id, number: knownError.number, state: KnownErrorState.Published },
    rootCauseIdentifiedAt: now,
    resolvedAt: null,
    closedAt: null,
    canceledAt: null,
    cancelReason: null,
    openedBy: 'sam',
    createdAt: now,
    updatedAt: now,
    version: 4,
  };
  return { problem, knownError };
}

describe('articles made from known errors', () => {
  let h: KnowledgeHarness;

  beforeAll(async () => {
    h = await KnowledgeHarness.start();
  });

  afterAll(async () => {
    await noDeadLetters(h, CONSUMER);
    await h.stop();
  });

  const published = (problem: ProblemView, knownError: KnownErrorView, id?: string) =>
    publishEvent(h, ProblemEvents.knownErrorPublished, problem.id, { problem, knownError }, { source: 'itsm/problem', ...(id ? { id } : {}) });
  const articlesOf = (knownErrorId: string) => h.database.query<ArticleRow>(`SELECT * FROM knowledge.articles WHERE known_error_id = $1`, [knownErrorId]);

  it('drafts one article in review from a published known error, owned by its publisher, with the sections', async () => {
    const { problem, knownError } = publishedKnownError();
    await handled(h, CONSUMER, [await published(problem, knownError)]);

    const [row, ...more] = await articlesOf(knownError.id);
    expect(more).toEqual([]);
    expect(row).toMatchObject({ state: ArticleState.InReview, owner_id: 'maria', problem_id: problem.id, flagged: false });

    const article: ArticleView = await h.rpc.call(KnowledgeRpc.get, { id: row?.id ?? '' }, { actor: sam });
    expect(article).toMatchObject({
      title: knownError.title,
      state: ArticleState.InReview,
      ownerId: 'maria',
      authorId: 'maria',
      problemId: problem.id,
      knownErrorId: knownError.id,
      category: 'network',
      ciIds: knownError.ciIds,
      audience: ArticleAudience.Internal,
    });
    const sections = ['## Symptoms', '## Root cause', '## Workaround'].map((heading) => article.body.indexOf(heading));
    expect(sections.every((at) => at >= 0)).toBe(true);
    expect([...sections].sort((a, b) => a - b)).toEqual(sections);
    for (const text of [knownError.symptoms, knownError.rootCause, knownError.workaround]) expect(article.body).toContain(text);
    expect(article.bodyHtml).toContain('<h2>Root cause</h2>');

    const [created] = await h.events(KnowledgeEvents.created, article.id);
    expect(created?.data.article).toMatchObject({ knownErrorId: knownError.id, state: ArticleState.InReview });
    await expect(h.events(KnowledgeEvents.submitted, article.id)).resolves.toHaveLength(1);
  });

  it('keeps one article per known error when the event comes again, as a copy or with a new id', async () => {
    const { problem, knownError } = publishedKnownError();
    const first = await published(problem, knownError);
    const copy = await published(problem, knownError, first);
    const again = await published(problem, knownError);
    await handled(h, CONSUMER, [first, copy, again]);

    const rows = await articlesOf(knownError.id);
    expect(rows).toHaveLength(1);
    await expect(h.eventsNow(KnowledgeEvents.created, rows[0]?.id ?? '')).resolves.toHaveLength(1);
  });

  it('flags the article when its known error is retired, once', async () => {
    const { problem, knownError } = publishedKnownError();
    await handled(h, CONSUMER, [await published(problem, knownError)]);
    const now = new Date().toISOString();
    const retired: KnownErrorView = { ...knownError, state: KnownErrorState.Retired, retiredAt: now, retireReason: 'permanent fix', version: 2 };
    const retiredProblem: ProblemView = { ...problem, state: ProblemState.Closed, closedAt: now, knownError: { id: knownError.id, number: knownError.number, state: KnownErrorState.Retired }, version: 6 };
    const retire = () => publishEvent(h, ProblemEvents.knownErrorRetired, problem.id, { problem: retiredProblem, knownError: retired }, { source: 'itsm/problem' });
    await handled(h, CONSUMER, [await retire()]);

    const [row] = await articlesOf(knownError.id);
    expect(row).toMatchObject({ flagged: true, flag_reason: 'known error retired', state: ArticleState.InReview, version: 2 });
    await expect(h.rpc.call(KnowledgeRpc.get, { id: row?.id ?? '' }, { actor: sam })).resolves.toMatchObject({ flagged: true, flagReason: 'known error retired' });

    await handled(h, CONSUMER, [await retire()]);
    await expect(articlesOf(knownError.id)).resolves.toEqual([expect.objectContaining({ flagged: true, version: 2 })]);
  });

  it('does nothing for a retired known error that has no article', async () => {
    const { problem, knownError } = publishedKnownError();
    const retired: KnownErrorView = { ...knownError, state: KnownErrorState.Retired, retiredAt: new Date().toISOString(), retireReason: 'obsolete', version: 2 };
    await handled(h, CONSUMER, [await publishEvent(h, ProblemEvents.knownErrorRetired, problem.id, { problem, knownError: retired }, { source: 'itsm/problem' })]);
    await expect(articlesOf(knownError.id)).resolves.toEqual([]);
  });
});

import { randomUUID } from 'node:crypto';
import {
  ApprovalType,
  ArticleAudience,
  IncidentEvents,
  type IncidentView,
  KnowledgeEvents,
  type KnowledgeSuggestedV1,
  KnowledgeTicketType,
  KnowledgeRpc,
  RequestEvents,
  RequestState,
  type RequestSubmittedV1,
} from '@itsm/contracts';
import { factEventId } from '@itsm/messaging';
import { buildIncidentView, sam } from '@itsm/testing';
import { handled, noDeadLetters, publishedArticle, publishEvent, word } from './support/knowledge-fixtures';
import { KnowledgeHarness } from './support/knowledge-harness';

const CONSUMER = 'knowledge-suggestions';

describe('articles suggested for tickets', () => {
  let h: KnowledgeHarness;

  beforeAll(async () => {
    h = await KnowledgeHarness.start();
  });

  afterAll(async () => {
    await noDeadLetters(h, CONSUMER);
    await h.stop();
  });

  const incidentCreated = (incident: IncidentView) => publishEvent(h, IncidentEvents.created, incident.id, incident, { source: 'itsm/incident' });

  function incidentUpdated(incident: IncidentView, changes: Partial<IncidentView>): { next: IncidentView; publish: () => Promise<string> } {
    const next = { ...incident, ...changes, version: incident.version + 1, updatedAt: new Date().toISOString() };
    const fieldChanges = Object.keys(changes).map((field) => ({
      field,
      from: (incident as unknown as Record<string, unknown>)[field] ?? null,
      to: (next as unknown as Record<string, unknown>)[field] ?? null,
    }));
    return { next, publish: () => publishEvent(h, IncidentEvents.updated, incident.id, { incident: next, changes: fieldChanges }, { source: 'itsm/incident' }) };
  }

  const suggestedNow = (ticketId: string) => h.eventsNow<KnowledgeSuggestedV1>(KnowledgeEvents.suggested, ticketId);
  const kept = (ticketId: string) =>
    h.database.query<{ ticket_version: number; article_ids: string[]; ticket_type: string }>(`SELECT ticket_version, article_ids, ticket_type FROM knowledge.ticket_suggestions WHERE ticket_id = $1`, [ticketId]);

  describe('a new incident whose text matches published articles', () => {
    const w = word();
    let incident: IncidentView;
    let publicId: string;
    let internalId: string;

    beforeAll(async () => {
      publicId = (await publishedArticle(h, { title: `Reset a forgotten ${w} password`, body: `The ${w} portal resets passwords.` })).id;
      internalId = (await publishedArticle(h, { title: `${w} tunnel diagnostics for agents`, body: `Check the ${w} tunnel logs.`, audience: ArticleAudience.Internal })).id;
      incident = buildIncidentView({ title: `${w} password expired`, description: `The ${w} tunnel will not come up after the password change.` });
      await handled(h, CONSUMER, [await incidentCreated(incident)]);
    });

    it('announces the matching published articles, internal ones too (agents see them), with an id made from the ticket version', async () => {
      const [event, ...more] = await h.events<KnowledgeSuggestedV1>(KnowledgeEvents.suggested, incident.id);
      expect(more).toEqual([]);
      expect(event?.id).toBe(factEventId('itsm/knowledge', incident.id, 'suggested', 1));
      expect(event?.data).toMatchObject({ ticketType: KnowledgeTicketType.Incident, ticketId: incident.id, ticketNumber: incident.number, ticketVersion: 1 });
      const ids = event?.data.articles.map((article) => article.id) ?? [];
      expect(ids).toEqual(expect.arrayContaining([publicId, internalId]));
      expect(ids.length).toBeLessThanOrEqual(5);
      const scores = event?.data.articles.map((article) => article.score) ?? [];
      expect(scores).toEqual([...scores].sort((a, b) => b - a));
      await expect(kept(incident.id)).resolves.toEqual([{ ticket_version: 1, article_ids: ids, ticket_type: 'incident' }]);
    });

    it('announces nothing more when the same ticket version comes again', async () => {
      await handled(h, CONSUMER, [await incidentCreated(incident)]);
      await expect(suggestedNow(incident.id)).resolves.toHaveLength(1);
    });

    it('keeps a changed version that suggests the same articles without announcing it', async () => {
      const [first] = await suggestedNow(incident.id);
      const recategorized = incidentUpdated(incident, { category: `${word()}` });
      await handled(h, CONSUMER, [await recategorized.publish()]);
      await expect(suggestedNow(incident.id)).resolves.toHaveLength(1);
      await expect(kept(incident.id)).resolves.toEqual([{ ticket_version: 2, article_ids: first?.data.articles.map((article) => article.id), ticket_type: 'incident' }]);
      incident = recategorized.next;
    });

    it('suggests again for a reworded version, and ignores an older version arriving late and changes of other fields', async () => {
      const reworded = incidentUpdated(incident, { title: `${word()} keyboard`, description: null });
      await handled(h, CONSUMER, [await reworded.publish()]);
      const events = await suggestedNow(incident.id);
      expect(events).toHaveLength(2);
      expect(events[1]?.id).toBe(factEventId('itsm/knowledge', incident.id, 'suggested', 3));
      expect(events[1]?.data).toMatchObject({ ticketVersion: 3, articles: [] });

      // Version 1 again, late: what version 3 suggested stays.
      await handled(h, CONSUMER, [await incidentCreated({ ...incident, version: 1 })]);
      // Version 4 only assigns the incident: its words are those of version 3.
      const assigned = incidentUpdated(reworded.next, { assignmentGroup: 'network-ops' });
      await handled(h, CONSUMER, [await assigned.publish()]);
      await expect(suggestedNow(incident.id)).resolves.toHaveLength(2);
      await expect(kept(incident.id)).resolves.toEqual([{ ticket_version: 3, article_ids: [], ticket_type: 'incident' }]);
    });
  });

  it('suggests an article about one of the incident’s CIs though no word is shared', async () => {
    const ciId = randomUUID();
    const article = await publishedArticle(h, { title: `${word()} rack power cycling`, body: 'Power the rack down and up.', ciIds: [ciId] });
    const incident = buildIncidentView({ title: `${word()} unreachable`, ciIds: [ciId] });
    await handled(h, CONSUMER, [await incidentCreated(incident)]);
    const [event] = await h.events<KnowledgeSuggestedV1>(KnowledgeEvents.suggested, incident.id);
    expect(event?.data.articles.map((suggestion) => suggestion.id)).toEqual([article.id]);
  });

  it('does not suggest an article that is not published, and announces nothing for a ticket nothing fits', async () => {
    const w = word();
    await h.rpc.call(KnowledgeRpc.create, { title: `Draft about ${w} printers`, body: `The ${w} printer jams.`, audience: ArticleAudience.Public }, { actor: sam });
    const incident = buildIncidentView({ title: `${w} printer jams` });
    await handled(h, CONSUMER, [await incidentCreated(incident)]);
    await expect(suggestedNow(incident.id)).resolves.toEqual([]);
    await expect(kept(incident.id)).resolves.toEqual([{ ticket_version: 1, article_ids: [], ticket_type: 'incident' }]);
  });

  it('suggests articles for a submitted service request from its item and answers', async () => {
    const w = word();
    const article = await publishedArticle(h, { title: `Ordering a ${w} docking station`, body: `Docking stations for ${w} laptops ship in a week.` });
    const now = new Date().toISOString();
    const request: RequestSubmittedV1 = {
      id: randomUUID(),
      number: 'REQ0001042',
      itemId: randomUUID(),
      itemName: `${w} docking station`,
      itemVersion: 1,
      requesterId: 'alice',
      requesterName: 'Alice Smith',
      managerId: null,
      answers: { reason: `My ${w} laptop needs two screens`, quantity: 1 },
      approval: { type: ApprovalType.None },
      state: RequestState.Submitted,
      createdAt: now,
      updatedAt: now,
      version: 1,
    };
    await handled(h, CONSUMER, [await publishEvent(h, RequestEvents.submitted, request.id, request, { source: 'itsm/incident' })]);
    const [event] = await h.events<KnowledgeSuggestedV1>(KnowledgeEvents.suggested, request.id);
    expect(event?.data).toMatchObject({ ticketType: KnowledgeTicketType.Request, ticketId: request.id, ticketNumber: 'REQ0001042', ticketVersion: 1 });
    expect(event?.data.articles[0]).toMatchObject({ id: article.id, number: article.number, title: article.title });
  });
});

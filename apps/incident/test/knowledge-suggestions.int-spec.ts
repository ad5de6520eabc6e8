import { randomUUID } from 'node:crypto';
import { DLQ_STREAM, type IncidentView, IncidentEvents, IncidentRpc, KnowledgeEvents, type KnowledgeSuggestedV1, KnowledgeTicketType } from '@itsm/contracts';
import { alice, readStream, sam, waitFor } from '@itsm/testing';
import { IncidentHarness } from './support/incident-harness';

const CONSUMER = 'incident-knowledge-suggestions';
let articleNumber = 1000;

function article(title: string, score = 0.5): KnowledgeSuggestedV1['articles'][number] {
  articleNumber += 1;
  return { id: randomUUID(), number: `KB${String(articleNumber).padStart(7, '0')}`, title, score };
}

/** Resolves once the consumer has taken the event (its inbox row commits with what the event changed). */
async function handled(h: IncidentHarness, eventId: string): Promise<void> {
  await waitFor(async () => (await h.count(`inbox WHERE consumer = $1 AND event_id = $2`, [CONSUMER, eventId])) === 1, { what: `${CONSUMER} to take ${eventId}` });
}

describe('articles the knowledge service suggests for an incident', () => {
  let h: IncidentHarness;

  beforeAll(async () => {
    h = await IncidentHarness.start();
  });

  afterAll(async () => {
    await expect(readStream(h.nc, DLQ_STREAM, `itsm.dlq.${CONSUMER}`)).resolves.toEqual([]);
    await h.stop();
  });

  /** The knowledge service's outbox: source `itsm/knowledge`, subject the ticket id. */
  function suggest(incident: Pick<IncidentView, 'id' | 'number'>, ticketVersion: number, articles: KnowledgeSuggestedV1['articles'], ticketType = KnowledgeTicketType.Incident): Promise<string> {
    return h.publish(KnowledgeEvents.suggested, incident.id, { ticketType, ticketId: incident.id, ticketNumber: incident.number, ticketVersion, articles }, { source: 'itsm/knowledge' });
  }

  const view = (id: string) => h.rpc.call(IncidentRpc.get, { id }, { actor: sam });

  it('shows a new incident without suggestions', async () => {
    const incident = await h.open(alice);

    expect(incident.suggestedArticles).toEqual([]);
    await expect(view(incident.id)).resolves.toMatchObject({ suggestedArticles: [] });
    await expect(h.row(incident.id)).resolves.toMatchObject({ suggested_articles: [], suggestions_version: null });
  });

  it('shows the suggested articles on the incident, best first, with id, number and title only', async () => {
    const incident = await h.open(alice);
    const vpn = article('Reset a forgotten VPN password', 0.9);
    const certificate = article('Renew the VPN client certificate', 0.4);

    await handled(h, await suggest(incident, 1, [vpn, certificate]));

    const shown = await view(incident.id);
    expect(shown.suggestedArticles).toEqual([
      { id: vpn.id, number: vpn.number, title: vpn.title },
      { id: certificate.id, number: certificate.number, title: certificate.title },
    ]);
    await expect(h.rpc.call(IncidentRpc.get, { id: incident.id }, { actor: alice })).resolves.toMatchObject({ suggestedArticles: shown.suggestedArticles });
    await expect(h.row(incident.id)).resolves.toMatchObject({ suggestions_version: 1 });
  });

  it('is no change of the incident: the version and updatedAt stay, no audit row and no incident event', async () => {
    const incident = await h.open(alice);
    await h.outboxDrained();
    const outboxBefore = await h.count('outbox');
    const auditBefore = await h.audit(incident.id);
    const eventsBefore = await h.eventsNow(IncidentEvents.updated, incident.id);

    await handled(h, await suggest(incident, 1, [article('Reset a forgotten VPN password')]));

    const after = await view(incident.id);
    expect(after.suggestedArticles).toHaveLength(1);
    expect({ version: after.version, updatedAt: after.updatedAt }).toEqual({ version: incident.version, updatedAt: incident.updatedAt });
    await expect(h.audit(incident.id)).resolves.toEqual(auditBefore);
    await expect(h.count('outbox')).resolves.toBe(outboxBefore);
    await expect(h.eventsNow(IncidentEvents.updated, incident.id)).resolves.toEqual(eventsBefore);
  });

  it('keeps an agent’s If-Match valid: an update based on the version read before the suggestions succeeds', async () => {
    const incident = await h.open(alice);
    await handled(h, await suggest(incident, 1, [article('Reset a forgotten VPN password')]));

    const updated = await h.rpc.call(IncidentRpc.update, { id: incident.id, changes: { category: 'network' }, expectedVersion: incident.version }, { actor: sam });

    expect(updated).toMatchObject({ version: incident.version + 1, category: 'network', suggestedArticles: [expect.objectContaining({ title: 'Reset a forgotten VPN password' })] });
  });

  it('keeps the suggestions of the newest incident version: later ones replace them, older ones arriving late do not', async () => {
    const incident = await h.open(alice);
    const printer = article('Clear a paper jam on floor 3');
    const driver = article('Reinstall the printer driver');

    await handled(h, await suggest(incident, 2, [printer]));
    await handled(h, await suggest(incident, 1, [driver]));
    await expect(view(incident.id)).resolves.toMatchObject({ suggestedArticles: [expect.objectContaining({ id: printer.id })] });

    await handled(h, await suggest(incident, 3, [driver, printer]));
    await expect(view(incident.id)).resolves.toMatchObject({ suggestedArticles: [expect.objectContaining({ id: driver.id }), expect.objectContaining({ id: printer.id })] });

    await handled(h, await suggest(incident, 4, []));
    await expect(view(incident.id)).resolves.toMatchObject({ suggestedArticles: [] });
    await expect(h.row(incident.id)).resolves.toMatchObject({ suggestions_version: 4, version: incident.version });
  });

  it('ignores suggestions for a request, and for an incident it does not have', async () => {
    const incident = await h.open(alice);

    await handled(h, await suggest(incident, 1, [article('Order a new laptop')], KnowledgeTicketType.Request));
    await handled(h, await suggest({ id: randomUUID(), number: 'INC0999999' }, 1, [article('Reset a forgotten VPN password')]));

    await expect(view(incident.id)).resolves.toMatchObject({ suggestedArticles: [] });
    await expect(h.row(incident.id)).resolves.toMatchObject({ suggestions_version: null });
  });
});

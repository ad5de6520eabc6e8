import { randomUUID } from 'node:crypto';
import { CommentVisibility, ErrorCode, IncidentErrorCode, IncidentEvents, type IncidentPage, IncidentRpc, IncidentState, type ListIncidentsRequest, Priority, Role } from '@itsm/contracts';
import { alice, bob, buildCreateIncident, sam } from '@itsm/testing';
import { IncidentHarness, RESOLVE, viewOf } from './support/incident-harness';

describe('incident queries, comments, history and idempotent creation', () => {
  let h: IncidentHarness;

  beforeAll(async () => {
    h = await IncidentHarness.start();
  });

  afterAll(async () => {
    await h.stop();
  });

  describe('comments and work notes', () => {
    it('shows the caller the comments but never the work notes, and announces each with its visibility', async () => {
      const incident = await h.open(alice);
      const note = await h.rpc.call(IncidentRpc.addComment, { id: incident.id, comment: { body: 'Suspect the new proxy', visibility: CommentVisibility.Internal } }, { actor: sam });
      const reply = await h.rpc.call(IncidentRpc.addComment, { id: incident.id, comment: { body: 'Please restart the client' } }, { actor: sam });
      const answer = await h.rpc.call(IncidentRpc.addComment, { id: incident.id, comment: { body: 'Done, still broken' } }, { actor: alice });
      expect(reply).toMatchObject({ visibility: CommentVisibility.Public, authorId: 'sam', authorName: 'Sam Agent' });

      await expect(h.rpc.call(IncidentRpc.comments, { id: incident.id }, { actor: sam })).resolves.toEqual({ items: [note, reply, answer] });
      await expect(h.rpc.call(IncidentRpc.comments, { id: incident.id }, { actor: alice })).resolves.toEqual({ items: [reply, answer] });

      const events = await h.events(IncidentEvents.commentAdded, incident.id, 3);
      expect(events.map((e) => [e.data.comment.body, e.data.comment.visibility])).toEqual([
        ['Suspect the new proxy', 'internal'],
        ['Please restart the client', 'public'],
        ['Done, still broken', 'public'],
      ]);
      expect(events[0]?.data).toMatchObject({ number: incident.number, callerId: 'alice' });
    });

    it('takes an agent’s first comment to the caller as the first response, but not a work note', async () => {
      const incident = await h.open(alice);
      await h.rpc.call(IncidentRpc.addComment, { id: incident.id, comment: { body: 'internal only', visibility: CommentVisibility.Internal } }, { actor: sam });
      await expect(h.row(incident.id)).resolves.toMatchObject({ responded_at: null });
      const reply = await h.rpc.call(IncidentRpc.addComment, { id: incident.id, comment: { body: 'Looking into it' } }, { actor: sam });
      await expect(h.row(incident.id)).resolves.toMatchObject({ responded_at: new Date(reply.createdAt), version: 2 });
    });

    it('refuses work notes from requesters, comments on others’ incidents, and empty bodies, writing nothing', async () => {
      const incident = await h.open(alice);
      const before = await h.count('incident_comments');
      await expect(h.rpc.call(IncidentRpc.addComment, { id: incident.id, comment: { body: 'psst', visibility: CommentVisibility.Internal } }, { actor: alice })).rejects.toMatchObject({
        code: ErrorCode.FORBIDDEN,
        reason: IncidentErrorCode.WorkNotesAgentsOnly,
      });
      await expect(h.rpc.call(IncidentRpc.addComment, { id: incident.id, comment: { body: 'me too' } }, { actor: bob })).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND, reason: IncidentErrorCode.NotFound });
      await expect(h.rpc.call(IncidentRpc.addComment, { id: incident.id, comment: { body: '' } }, { actor: alice })).rejects.toMatchObject({
        code: ErrorCode.VALIDATION,
        details: { errors: [expect.objectContaining({ field: 'comment.body' })] },
      });
      await expect(h.count('incident_comments')).resolves.toBe(before);
    });
  });

  describe('history', () => {
    it('lists every change with its author, and hides work notes from the caller', async () => {
      const incident = await h.open(alice);
      await h.rpc.call(IncidentRpc.update, { id: incident.id, changes: { assigneeId: 'sam', category: 'network' } }, { actor: sam });
      await h.rpc.call(IncidentRpc.addComment, { id: incident.id, comment: { body: 'checking logs', visibility: CommentVisibility.Internal } }, { actor: sam });
      await h.move(incident.id, { to: IncidentState.InProgress });
      await h.move(incident.id, RESOLVE);
      await h.move(incident.id, { to: IncidentState.Closed }, alice);

      const full = await h.rpc.call(IncidentRpc.history, { id: incident.id }, { actor: sam });
      expect(full.items.map((entry) => [entry.action, entry.actorId])).toEqual([
        ['created', 'alice'],
        ['updated', 'sam'],
        ['comment_added', 'sam'],
        ['state_changed', 'sam'],
        ['state_changed', 'sam'],
        ['state_changed', 'alice'],
      ]);
      expect(full.items[1]?.changes).toEqual(
        expect.arrayContaining([
          { field: 'category', from: null, to: 'network' },
          { field: 'assigneeId', from: null, to: 'sam' },
        ]),
      );
      expect(full.items[4]?.changes).toEqual(expect.arrayContaining([{ field: 'state', from: 'in_progress', to: 'resolved' }, { field: 'resolutionCode', from: null, to: RESOLVE.resolutionCode }]));
      expect(full.items[2]?.comment).toMatchObject({ body: 'checking logs', visibility: 'internal' });

      const callerView = await h.rpc.call(IncidentRpc.history, { id: incident.id }, { actor: alice });
      expect(callerView.items.map((entry) => entry.action)).toEqual(['created', 'updated', 'state_changed', 'state_changed', 'state_changed']);
      await expect(h.rpc.call(IncidentRpc.history, { id: incident.id }, { actor: bob })).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND });
    });
  });

  describe('idempotent creation', () => {
    it('returns the first incident for a retry with the same key and body, and writes it once', async () => {
      const key = randomUUID();
      const body = buildCreateIncident({ title: 'Laptop screen flickers' });
      const first = await h.rpc.call(IncidentRpc.create, { ...body, idempotencyKey: key }, { actor: alice });
      const retry = await h.rpc.call(IncidentRpc.create, { ...body, idempotencyKey: key }, { actor: alice });
      expect(viewOf(retry)).toEqual(viewOf(first));
      await expect(h.database.query(`SELECT count(*)::int AS n FROM incident.incidents WHERE title = 'Laptop screen flickers'`)).resolves.toEqual([{ n: 1 }]);
      await expect(h.eventsNow(IncidentEvents.created, first.id)).resolves.toHaveLength(1);
    });

    it('refuses the same key with another body, and keeps keys apart per caller', async () => {
      const key = randomUUID();
      const first = await h.rpc.call(IncidentRpc.create, { ...buildCreateIncident({ title: 'Keyboard dead' }), idempotencyKey: key }, { actor: alice });
      await expect(h.rpc.call(IncidentRpc.create, { ...buildCreateIncident({ title: 'Mouse dead' }), idempotencyKey: key }, { actor: alice })).rejects.toMatchObject({
        code: ErrorCode.UNPROCESSABLE,
      });
      const bobs = await h.rpc.call(IncidentRpc.create, { ...buildCreateIncident({ title: 'Keyboard dead' }), idempotencyKey: key }, { actor: bob });
      expect(bobs.id).not.toBe(first.id);
    });

    it('creates one incident when the same key arrives concurrently', async () => {
      const key = randomUUID();
      const body = { ...buildCreateIncident({ title: 'Concurrent retry' }), idempotencyKey: key };
      const replies = await Promise.all(Array.from({ length: 5 }, () => h.rpc.call(IncidentRpc.create, body, { actor: alice })));
      expect(new Set(replies.map((reply) => reply.id)).size).toBe(1);
      await expect(h.database.query(`SELECT count(*)::int AS n FROM incident.incidents WHERE title = 'Concurrent retry'`)).resolves.toEqual([{ n: 1 }]);
    });
  });

  describe('lists and counts', () => {
    const ci = randomUUID();
    const carol = { sub: 'carol', roles: [Role.Requester] };

    beforeAll(async () => {
      // Carol's queue: 7 incidents over several states and priorities, all on one CI.
      for (const [impact, urgency] of [[1, 1], [1, 2], [2, 2], [3, 3], [2, 1], [3, 1], [1, 3]] as const) {
        await h.open(carol, { impact, urgency, ciIds: [ci], title: `Carol ${impact}${urgency} mailbox full`, description: 'Quota exceeded on the Exchange server' });
      }
      const page = await h.rpc.call(IncidentRpc.list, { ciId: ci, sort: 'number' }, { actor: sam });
      await h.move(page.items[0]?.id ?? '', { to: IncidentState.InProgress });
      await h.move(page.items[1]?.id ?? '', { to: IncidentState.Canceled, reason: 'duplicate' });
    });

    async function all(request: ListIncidentsRequest, actor = sam): Promise<IncidentPage['items']> {
      const items: IncidentPage['items'] = [];
      let cursor: string | undefined;
      for (let pages = 0; pages < 20; pages += 1) {
        const page = await h.rpc.call(IncidentRpc.list, { ...request, ...(cursor ? { cursor } : {}) }, { actor });
        items.push(...page.items);
        if (!page.nextCursor) return items;
        cursor = page.nextCursor;
      }
      throw new Error('too many pages');
    }

    it.each(['createdAt', '-createdAt', 'priority', '-priority', 'number', '-updatedAt'] as const)('pages through every match once, sorted by %s', async (sort) => {
      const items = await all({ ciId: ci, sort, limit: 2 });
      expect(items).toHaveLength(7);
      expect(new Set(items.map((i) => i.id)).size).toBe(7);
      const key = sort.replace('-', '') as 'createdAt' | 'priority' | 'number' | 'updatedAt';
      const values = items.map((i) => i[key]);
      const sorted = [...values].sort();
      expect(values).toEqual(sort.startsWith('-') ? sorted.reverse() : sorted);
    });

    it('filters by state, priority, caller and text', async () => {
      await expect(all({ ciId: ci, state: [IncidentState.New] })).resolves.toHaveLength(5);
      const urgent = await all({ ciId: ci, priority: [Priority.P1, Priority.P2] });
      expect(urgent.map((i) => i.priority).sort()).toEqual(['P1', 'P2', 'P2']);
      await expect(all({ callerId: 'carol', q: 'exchange quota' })).resolves.toHaveLength(7);
      await expect(all({ callerId: 'carol', q: 'printer' })).resolves.toHaveLength(0);
      await expect(all({ ciId: ci, createdTo: new Date(Date.now() - 3_600_000).toISOString() })).resolves.toHaveLength(0);
    });

    it('counts per state for the queue view', async () => {
      const counts = await h.rpc.call(IncidentRpc.counts, { ciId: ci }, { actor: sam });
      expect(counts).toEqual({ total: 7, byState: { new: 5, in_progress: 1, on_hold: 0, resolved: 0, closed: 0, canceled: 1, merged: 0 } });
    });

    it('refuses paging and sort on the counts, naming the field', async () => {
      await expect(h.rpc.call(IncidentRpc.counts, { ciId: ci, cursor: 'bm90LWEtY3Vyc29y' } as never, { actor: sam })).rejects.toMatchObject({
        code: ErrorCode.VALIDATION,
        details: { errors: [expect.objectContaining({ field: 'cursor' })] },
      });
    });

    it('gives a requester only their own incidents, whatever the filters', async () => {
      await expect(all({ ciId: ci }, alice)).resolves.toEqual([]);
      await expect(all({ callerId: 'carol' }, alice)).resolves.toEqual([]);
      await expect(h.rpc.call(IncidentRpc.counts, { ciId: ci }, { actor: alice })).resolves.toMatchObject({ total: 0 });
      await expect(all({ ciId: ci }, carol)).resolves.toHaveLength(7);
    });

    it('refuses a forged cursor, one of another sort, and a wrong filter value, naming the field', async () => {
      await expect(h.rpc.call(IncidentRpc.list, { cursor: 'bm90LWEtY3Vyc29y' }, { actor: sam })).rejects.toMatchObject({
        code: ErrorCode.VALIDATION,
        details: { errors: [expect.objectContaining({ field: 'cursor' })] },
      });
      const byPriority = await h.rpc.call(IncidentRpc.list, { ciId: ci, sort: 'priority', limit: 1 }, { actor: sam });
      const foreign = [
        byPriority.nextCursor ?? '',
        Buffer.from(JSON.stringify(['-createdAt', 'yesterday', randomUUID()])).toString('base64url'),
        Buffer.from(JSON.stringify(['-createdAt', '2026-13-45T00:00:00Z', randomUUID()])).toString('base64url'),
        Buffer.from(JSON.stringify(['-createdAt', new Date().toISOString(), 'not-an-id'])).toString('base64url'),
      ];
      for (const cursor of foreign) {
        await expect(h.rpc.call(IncidentRpc.list, { ciId: ci, sort: '-createdAt', cursor }, { actor: sam })).rejects.toMatchObject({
          code: ErrorCode.VALIDATION,
          details: { errors: [expect.objectContaining({ field: 'cursor' })] },
        });
      }
      await expect(h.rpc.call(IncidentRpc.list, { state: ['sleeping' as IncidentState] }, { actor: sam })).rejects.toMatchObject({
        code: ErrorCode.VALIDATION,
        details: { errors: [expect.objectContaining({ field: 'state' })] },
      });
    });
  });
});

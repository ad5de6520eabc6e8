/** Comments and work notes of problems over RPC: real Postgres and NATS. */
import { randomUUID } from 'node:crypto';
import { CommentVisibility, ErrorCode, ProblemErrorCode, ProblemEvents, ProblemRpc, ProblemState } from '@itsm/contracts';
import { alice, fieldsOf, maria, sam, tom } from '@itsm/testing';
import { ProblemHarness } from './support/problem-harness';

describe('problem comments over RPC', () => {
  let h: ProblemHarness;

  beforeAll(async () => {
    h = await ProblemHarness.start();
  });

  afterAll(async () => {
    await h?.stop();
  });

  it('keeps comments and work notes in the order written, with their authors, in the history and not as changes of the problem', async () => {
    const problem = await h.open();
    const note = await h.rpc.call(ProblemRpc.addComment, { id: problem.id, comment: { body: 'Suspect the relay’s disk', visibility: CommentVisibility.Internal } }, { actor: sam });
    const comment = await h.rpc.call(ProblemRpc.addComment, { id: problem.id, expectedVersion: 1, comment: { body: 'Seen again at 08:00' } }, { actor: tom });

    expect(note).toMatchObject({ problemId: problem.id, body: 'Suspect the relay’s disk', visibility: CommentVisibility.Internal, authorId: 'sam', authorName: 'Sam Agent' });
    expect(comment).toMatchObject({ visibility: CommentVisibility.Public, authorId: 'tom', authorName: 'Tom Agent' });
    await expect(h.row('problem_comments', comment.id)).resolves.toMatchObject({ problem_id: problem.id, body: 'Seen again at 08:00', visibility: 'public', author_id: 'tom' });
    await expect(h.rpc.call(ProblemRpc.listComments, { id: problem.id }, { actor: maria })).resolves.toEqual({ items: [note, comment] });

    const history = await h.rpc.call(ProblemRpc.history, { id: problem.id }, { actor: sam });
    expect(history.items).toEqual([
      expect.objectContaining({ action: 'created', actorId: 'sam' }),
      { at: expect.any(String), actorId: 'sam', action: 'comment_added', changes: [], comment: note },
      { at: expect.any(String), actorId: 'tom', action: 'comment_added', changes: [], comment },
    ]);
    await expect(h.row('problems', problem.id)).resolves.toMatchObject({ version: 1 });
    await expect(h.eventsNow(ProblemEvents.updated, problem.id)).resolves.toEqual([]);
  });

  it('answers an empty list for a problem without comments, and PROBLEM_NOT_FOUND for an unknown one', async () => {
    const problem = await h.open();
    await expect(h.rpc.call(ProblemRpc.listComments, { id: problem.id }, { actor: sam })).resolves.toEqual({ items: [] });
    await expect(h.rpc.call(ProblemRpc.listComments, { id: randomUUID() }, { actor: sam })).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND, reason: ProblemErrorCode.NotFound });
    await expect(h.rpc.call(ProblemRpc.addComment, { id: randomUUID(), comment: { body: 'hello' } }, { actor: sam })).rejects.toMatchObject({
      code: ErrorCode.NOT_FOUND,
      reason: ProblemErrorCode.NotFound,
    });
  });

  it('refuses empty bodies, unknown visibilities, stale versions and final problems, writing nothing', async () => {
    const problem = await h.open();
    const before = await h.count('problem_comments');
    const invalid = await h.rpc.call(ProblemRpc.addComment, { id: problem.id, comment: { body: '', visibility: 'secret' } } as never, { actor: sam }).catch((e: unknown) => e);
    expect(invalid).toMatchObject({ code: ErrorCode.VALIDATION });
    expect(fieldsOf(invalid)).toEqual(['comment.body', 'comment.visibility']);
    await expect(h.rpc.call(ProblemRpc.addComment, { id: problem.id, expectedVersion: 2, comment: { body: 'late' } }, { actor: sam })).rejects.toMatchObject({
      code: ErrorCode.PRECONDITION_FAILED,
      details: { currentVersion: 1, expectedVersion: 2 },
    });
    await h.database.query(`UPDATE problem.problems SET state = $2 WHERE id = $1`, [problem.id, ProblemState.Closed]);
    await expect(h.rpc.call(ProblemRpc.addComment, { id: problem.id, comment: { body: 'after the fact' } }, { actor: sam })).rejects.toMatchObject({
      code: ErrorCode.CONFLICT,
      reason: ProblemErrorCode.FinalState,
    });
    await expect(h.count('problem_comments')).resolves.toBe(before);
    await expect(h.count('audit_log WHERE entity_id = $1', [problem.id])).resolves.toBe(1);
  });

  it('refuses a requester both writing and reading, without telling whether the problem exists', async () => {
    const problem = await h.open();
    await h.rpc.call(ProblemRpc.addComment, { id: problem.id, comment: { body: 'internal detail' } }, { actor: sam });
    const before = await h.count('problem_comments');
    const refusals = await Promise.all([
      h.rpc.call(ProblemRpc.addComment, { id: problem.id, comment: { body: 'me too' } }, { actor: alice }).catch((e: unknown) => e),
      h.rpc.call(ProblemRpc.listComments, { id: problem.id }, { actor: alice }).catch((e: unknown) => e),
      h.rpc.call(ProblemRpc.listComments, { id: randomUUID() }, { actor: alice }).catch((e: unknown) => e),
    ]);
    for (const refusal of refusals) expect(refusal).toMatchObject({ code: ErrorCode.FORBIDDEN });
    expect((refusals[1] as Error).message).toBe((refusals[2] as Error).message);
    expect(JSON.stringify(refusals)).not.toContain('internal detail');
    await expect(h.count('problem_comments')).resolves.toBe(before);
  });
});

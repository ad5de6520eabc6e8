import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { type Actor, type AddProblemCommentRequest, CommentVisibility, type ProblemCommentList, type ProblemCommentView } from '@itsm/contracts';
import { problemNotFound } from '../domain/access';
import { assertOpenForChanges } from '../domain/problem-lifecycle';
import { Problem } from '../problems/problem.entity';
import { ProblemWriter } from '../problems/problem.writer';
import { ProblemComment, toProblemCommentView } from './problem-comment.entity';

@Injectable()
export class CommentsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly writer: ProblemWriter,
  ) {}

  /**
   * Adds a comment or a work note to a problem that is not closed or canceled. It does not change the problem (nor
   * its version); the history keeps it as `comment_added`. No event announces it: problems have no comment event.
   */
  async add(request: AddProblemCommentRequest, actor: Actor): Promise<ProblemCommentView> {
    return this.dataSource.transaction(async (manager) => {
      // The lock orders the comment after any change in flight and checks `If-Match`.
      const problem = await this.writer.lock(manager, request.id, { expectedVersion: request.expectedVersion });
      assertOpenForChanges(problem);
      const comment = manager.create(ProblemComment, {
        id: randomUUID(),
        problemId: problem.id,
        body: request.comment.body,
        visibility: request.comment.visibility ?? CommentVisibility.Public,
        authorId: actor.sub,
        authorName: actor.name ?? null,
        createdAt: new Date(),
      });
      await manager.insert(ProblemComment, comment);
      const view = toProblemCommentView(comment);
      await this.writer.recordOn(manager, problem.id, { actorId: actor.sub, action: 'comment_added', after: view, time: comment.createdAt });
      return view;
    });
  }

  /** Comments and work notes in the order written (only agents see problems, so they see both). */
  async list(id: string): Promise<ProblemCommentList> {
    if (!(await this.dataSource.getRepository(Problem).existsBy({ id }))) throw problemNotFound(id);
    const comments = await this.dataSource.getRepository(ProblemComment).find({ where: { problemId: id }, order: { createdAt: 'ASC', id: 'ASC' } });
    return { items: comments.map(toProblemCommentView) };
  }
}

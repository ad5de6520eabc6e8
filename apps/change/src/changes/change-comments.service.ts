import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { type Actor, type AddChangeCommentRequest, ChangeError, ChangeErrorCode, type ChangeCommentList, type ChangeCommentView, CommentVisibility } from '@itsm/contracts';
import { isFinalChangeState } from '../domain/change-lifecycle';
import { ChangeWriter } from './change.writer';
import { ChangesRepository, COMMENT_ADDED } from './changes.repository';

/**
 * Comments and work notes of changes. A comment is kept as an entry of the change's history (`comment_added`, the
 * comment whole as `after`): it changes neither the change nor its version, and no event announces it.
 */
@Injectable()
export class ChangeCommentsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly writer: ChangeWriter,
    private readonly queries: ChangesRepository,
  ) {}

  /** Adds a comment or work note to a change that is not closed, canceled or rejected. */
  add(request: AddChangeCommentRequest, actor: Actor): Promise<ChangeCommentView> {
    return this.dataSource.transaction(async (manager) => {
      // The lock orders the comment after any change in flight and checks `If-Match`.
      const change = await this.writer.lock(manager, request.id, { expectedVersion: request.expectedVersion });
      if (isFinalChangeState(change.state)) throw new ChangeError(ChangeErrorCode.FinalState, `change ${change.number} is ${change.state} and takes no more comments`, { state: change.state });
      const createdAt = new Date();
      const comment: ChangeCommentView = {
        id: randomUUID(),
        changeId: change.id,
        body: request.comment.body,
        visibility: request.comment.visibility ?? CommentVisibility.Public,
        authorId: actor.sub,
        authorName: actor.name ?? null,
        createdAt: createdAt.toISOString(),
      };
      await this.writer.recordOn(manager, change.id, { actorId: actor.sub, action: COMMENT_ADDED, after: comment, time: createdAt });
      return comment;
    });
  }

  /** Comments and work notes in the order written (only agents and the CAB see changes, so they see both). */
  async list(id: string): Promise<ChangeCommentList> {
    return { items: await this.queries.comments(id) };
  }
}

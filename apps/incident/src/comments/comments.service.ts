import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { type Actor, type AddCommentRequest, type CommentList, CommentVisibility, type CommentView, IncidentEvents } from '@itsm/contracts';
import { eventOf } from '@itsm/messaging';
import { assertMayComment, assertVisible, isAgent, seesWorkNotes, visibleTo } from '../domain/access';
import { assertOpenForChanges } from '../domain/incident-lifecycle';
import { Incident, toIncidentView } from '../incidents/incident.entity';
import { IncidentWriter } from '../incidents/incident.writer';
import { IncidentComment, toCommentView } from './comment.entity';

@Injectable()
export class CommentsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly writer: IncidentWriter,
  ) {}

  /**
   * Adds a comment (the caller sees it) or a work note (agents only). An agent's first comment to the caller
   * is the incident's first response.
   */
  async add(request: AddCommentRequest, actor: Actor): Promise<CommentView> {
    const visibility = request.comment.visibility ?? CommentVisibility.Public;
    assertMayComment(actor, visibility);
    return this.dataSource.transaction(async (manager) => {
      const incident = await this.writer.lock(manager, request.id, { expectedVersion: request.expectedVersion, visible: visibleTo(actor) });
      assertOpenForChanges(incident);
      const comment = manager.create(IncidentComment, {
        id: randomUUID(),
        incidentId: incident.id,
        body: request.comment.body,
        visibility,
        authorId: actor.sub,
        authorName: actor.name ?? null,
        createdAt: new Date(),
      });
      await manager.insert(IncidentComment, comment);
      const view = toCommentView(comment);
      if (isAgent(actor) && visibility === CommentVisibility.Public && !incident.respondedAt) {
        const before = toIncidentView(incident);
        incident.respondedAt = comment.createdAt;
        await this.writer.save(manager, incident, before, {
          actorId: actor.sub,
          action: 'responded',
          events: (after) => [eventOf(IncidentEvents.updated, { incident: after, changes: [{ field: 'respondedAt', from: null, to: after.respondedAt }] })],
        });
      }
      await this.writer.recordOn(manager, incident.id, {
        actorId: actor.sub,
        action: 'comment_added',
        after: view,
        time: comment.createdAt,
        events: [
          eventOf(IncidentEvents.commentAdded, {
            incidentId: incident.id,
            number: incident.number,
            callerId: incident.callerId,
            assignmentGroup: incident.assignmentGroup,
            assigneeId: incident.assigneeId,
            comment: view,
          }),
        ],
      });
      return view;
    });
  }

  /** Comments in the order written; requesters never get work notes. */
  async list(id: string, actor: Actor): Promise<CommentList> {
    const incident = await this.dataSource.getRepository(Incident).findOneBy({ id });
    assertVisible(incident, id, actor);
    const comments = await this.dataSource.getRepository(IncidentComment).find({
      where: seesWorkNotes(actor) ? { incidentId: id } : { incidentId: id, visibility: CommentVisibility.Public },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
    return { items: comments.map(toCommentView) };
  }
}

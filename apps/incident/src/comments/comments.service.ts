import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { type Actor, type AddCommentRequest, type CommentList, CommentVisibility, type CommentView, IncidentEvents } from '@itsm/contracts';
import { eventOf, SYSTEM_ACTOR } from '@itsm/messaging';
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
      const comment = this.build(incident, { body: request.comment.body, visibility, authorId: actor.sub, authorName: actor.name ?? null });
      if (isAgent(actor) && visibility === CommentVisibility.Public && !incident.respondedAt) {
        const before = toIncidentView(incident);
        incident.respondedAt = comment.createdAt;
        await this.writer.save(manager, incident, before, {
          actorId: actor.sub,
          action: 'responded',
          events: (after) => [eventOf(IncidentEvents.updated, { incident: after, changes: [{ field: 'respondedAt', from: null, to: after.respondedAt }] })],
        });
      }
      return this.write(manager, incident, comment);
    });
  }

  /**
   * Adds a comment on behalf of the system (e.g. a problem's resolution) to an incident locked in the caller's
   * transaction. It is not a response to the caller.
   */
  async addBySystem(manager: EntityManager, incident: Incident, body: string, visibility: CommentVisibility): Promise<CommentView> {
    assertOpenForChanges(incident);
    return this.write(manager, incident, this.build(incident, { body, visibility, authorId: SYSTEM_ACTOR, authorName: null }));
  }

  private build(incident: Incident, comment: Pick<IncidentComment, 'body' | 'visibility' | 'authorId' | 'authorName'>): IncidentComment {
    return Object.assign(new IncidentComment(), { id: randomUUID(), incidentId: incident.id, ...comment, createdAt: new Date() });
  }

  /** The comment row, its history entry and `comment_added`. */
  private async write(manager: EntityManager, incident: Incident, comment: IncidentComment): Promise<CommentView> {
    await manager.insert(IncidentComment, comment);
    const view = toCommentView(comment);
    await this.writer.recordOn(manager, incident.id, {
      actorId: comment.authorId,
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

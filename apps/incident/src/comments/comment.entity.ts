import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';
import { CommentVisibility, type CommentView } from '@itsm/contracts';

/** Comments (the caller sees them) and work notes (agents only) of an incident. */
@Entity({ name: 'incident_comments' })
@Index('incident_comments_incident_idx', ['incidentId', 'createdAt'])
export class IncidentComment {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'incident_comments_pkey' })
  id!: string;

  @Column({ name: 'incident_id', type: 'uuid' })
  incidentId!: string;

  @Column({ type: 'text' })
  body!: string;

  @Column({ type: 'text', default: CommentVisibility.Public })
  visibility!: CommentVisibility;

  @Column({ name: 'author_id', type: 'text' })
  authorId!: string;

  @Column({ name: 'author_name', type: 'text', nullable: true })
  authorName!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

export function toCommentView(comment: IncidentComment): CommentView {
  return {
    id: comment.id,
    incidentId: comment.incidentId,
    body: comment.body,
    visibility: comment.visibility,
    authorId: comment.authorId,
    authorName: comment.authorName,
    createdAt: comment.createdAt.toISOString(),
  };
}

import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, VersionColumn } from 'typeorm';
import { RequestCommentVisibility, type RequestCommentView } from '@itsm/contracts';
import { ServiceRequest } from './service-request.entity';

/** A comment on a request; internal ones are for the people working it. */
@Entity({ name: 'request_comments' })
@Index('request_comments_request_idx', ['requestId', 'createdAt', 'id'])
@Check('request_comments_visibility_check', "visibility IN ('public', 'internal')")
export class RequestComment {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'request_comments_pkey' })
  id!: string;

  @Column({ name: 'request_id', type: 'uuid' })
  requestId!: string;

  @ManyToOne(() => ServiceRequest, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'request_id', foreignKeyConstraintName: 'request_comments_request_id_fkey' })
  request?: ServiceRequest;

  @Column({ name: 'author_id', type: 'text' })
  authorId!: string;

  @Column({ name: 'author_name', type: 'text', nullable: true })
  authorName!: string | null;

  @Column({ type: 'text' })
  body!: string;

  @Column({ type: 'text' })
  visibility!: RequestCommentVisibility;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @VersionColumn({ type: 'int' })
  version!: number;
}

export function toCommentView(comment: RequestComment): RequestCommentView {
  return {
    id: comment.id,
    requestId: comment.requestId,
    authorId: comment.authorId,
    authorName: comment.authorName,
    body: comment.body,
    visibility: comment.visibility,
    createdAt: comment.createdAt.toISOString(),
  };
}

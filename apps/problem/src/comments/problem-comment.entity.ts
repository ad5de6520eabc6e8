import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';
import { CommentVisibility, type ProblemCommentView } from '@itsm/contracts';

/** Comments and work notes of a problem (agents only see problems; work notes are marked internal all the same). */
@Entity({ name: 'problem_comments' })
@Index('problem_comments_problem_idx', ['problemId', 'createdAt'])
export class ProblemComment {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'problem_comments_pkey' })
  id!: string;

  @Column({ name: 'problem_id', type: 'uuid' })
  problemId!: string;

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

export function toProblemCommentView(comment: ProblemComment): ProblemCommentView {
  return {
    id: comment.id,
    problemId: comment.problemId,
    body: comment.body,
    visibility: comment.visibility,
    authorId: comment.authorId,
    authorName: comment.authorName,
    createdAt: comment.createdAt.toISOString(),
  };
}

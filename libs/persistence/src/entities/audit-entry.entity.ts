import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** Who changed what, when, from what to what: written in the transaction of the change itself. */
@Entity({ name: 'audit_log' })
@Index('audit_log_entity_idx', ['entityType', 'entityId'])
// The audit trail's reads, newest first in keyset order (at, id): the whole trail, one actor's, one record's
// (whatever its type: the index above leads with the type). Created descending by `auditIndexesMigration`.
@Index('audit_log_at_idx', ['at', 'id'])
@Index('audit_log_actor_at_idx', ['actorId', 'at', 'id'])
@Index('audit_log_entity_at_idx', ['entityId', 'at', 'id'])
// Expression indexes a service may add for its own audit queries (the CMDB finds the relationships of a CI).
@Index('audit_log_relationship_source_idx', { synchronize: false })
@Index('audit_log_relationship_target_idx', { synchronize: false })
export class AuditEntry {
  @PrimaryGeneratedColumn({ type: 'bigint', primaryKeyConstraintName: 'audit_log_pkey' })
  id!: string;

  @Column({ name: 'entity_type', type: 'text' })
  entityType!: string;

  @Column({ name: 'entity_id', type: 'uuid' })
  entityId!: string;

  @Column({ type: 'text' })
  action!: string;

  @Column({ name: 'actor_id', type: 'text', nullable: true })
  actorId!: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  at!: Date;

  @Column({ type: 'jsonb', nullable: true })
  before!: object | null;

  @Column({ type: 'jsonb', nullable: true })
  after!: object | null;

  @Column({ name: 'correlation_id', type: 'text', nullable: true })
  correlationId!: string | null;
}

import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';
import type { ProblemLinkSource } from '@itsm/contracts';

/** An incident linked to a problem. An incident belongs to at most one open problem (checked when linking). */
@Entity({ name: 'problem_incidents' })
@Index('problem_incidents_incident_idx', ['incidentId'])
export class ProblemIncident {
  @PrimaryColumn({ name: 'problem_id', type: 'uuid', primaryKeyConstraintName: 'problem_incidents_pkey' })
  problemId!: string;

  @PrimaryColumn({ name: 'incident_id', type: 'uuid', primaryKeyConstraintName: 'problem_incidents_pkey' })
  incidentId!: string;

  @Column({ type: 'text' })
  source!: ProblemLinkSource;

  @Column({ name: 'linked_by_id', type: 'text' })
  linkedById!: string;

  @CreateDateColumn({ name: 'linked_at', type: 'timestamptz' })
  linkedAt!: Date;
}

import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * The latest known version of an incident, as the detector counts it: kept from the incident events, a newer version
 * replacing an older one and an older one arriving late changing nothing.
 */
@Entity({ name: 'incident_observations' })
@Index('incident_observations_created_idx', ['createdAt'])
@Index('incident_observations_ci_ids_idx', { synchronize: false })
@Index('incident_observations_service_idx', ['serviceId', 'category'])
export class IncidentObservation {
  @PrimaryColumn({ name: 'incident_id', type: 'uuid', primaryKeyConstraintName: 'incident_observations_pkey' })
  incidentId!: string;

  @Column({ type: 'int' })
  version!: number;

  @Column({ type: 'text' })
  number!: string;

  /** Trimmed and lower-cased (see `normalizeCategory`), so that a pattern is one equality; null for none or blank. */
  @Column({ type: 'text', nullable: true })
  category!: string | null;

  @Column({ name: 'ci_ids', type: 'uuid', array: true, default: () => `'{}'` })
  ciIds!: string[];

  @Column({ name: 'service_id', type: 'uuid', nullable: true })
  serviceId!: string | null;

  @Column({ type: 'text' })
  state!: string;

  /** When the incident was opened: the detection window is over these. */
  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  /** How the incident was resolved, while it is resolved or closed (the known errors in use report counts `known_error`). */
  @Column({ name: 'resolution_code', type: 'text', nullable: true })
  resolutionCode!: string | null;

  @Column({ name: 'resolved_at', type: 'timestamptz', nullable: true })
  resolvedAt!: Date | null;
}

import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** An incident as the change reports need it (which CIs, when opened), kept from the incident events. */
@Entity({ name: 'incident_observations' })
@Index('incident_observations_opened_idx', ['openedAt'])
@Index('incident_observations_ci_ids_idx', { synchronize: false })
export class IncidentObservation {
  @PrimaryColumn({ name: 'incident_id', type: 'uuid', primaryKeyConstraintName: 'incident_observations_pkey' })
  incidentId!: string;

  @Column({ type: 'int' })
  version!: number;

  @Column({ type: 'text' })
  number!: string;

  @Column({ name: 'ci_ids', type: 'uuid', array: true, default: () => `'{}'` })
  ciIds!: string[];

  @Column({ name: 'opened_at', type: 'timestamptz' })
  openedAt!: Date;
}

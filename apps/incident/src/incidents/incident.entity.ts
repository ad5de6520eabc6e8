import { Check, Column, CreateDateColumn, Entity, Index, PrimaryColumn, Unique, UpdateDateColumn, VersionColumn } from 'typeorm';
import { Impact, IncidentState, type IncidentView, Priority, Urgency } from '@itsm/contracts';

@Entity({ name: 'incidents' })
@Unique('incidents_number_key', ['number'])
@Index('incidents_requester_idx', ['requesterId', 'createdAt'])
@Check('incidents_priority_check', 'priority BETWEEN 1 AND 5')
@Check('incidents_impact_check', "impact IN ('high', 'medium', 'low')")
@Check('incidents_urgency_check', "urgency IN ('high', 'medium', 'low')")
export class Incident {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'incidents_pkey' })
  id!: string;

  /** `INC0001001`, from the `incident_number_seq` sequence. */
  @Column({ type: 'text' })
  number!: string;

  @Column({ type: 'text' })
  title!: string;

  @Column({ type: 'text', nullable: true })
  description!: string | null;

  @Column({ type: 'text' })
  impact!: Impact;

  @Column({ type: 'text' })
  urgency!: Urgency;

  @Column({ type: 'smallint' })
  priority!: Priority;

  @Column({ type: 'text' })
  state!: IncidentState;

  @Column({ name: 'requester_id', type: 'text' })
  requesterId!: string;

  @Column({ name: 'requester_name', type: 'text', nullable: true })
  requesterName!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @VersionColumn({ type: 'int' })
  version!: number;
}

export function toIncidentView(incident: Incident): IncidentView {
  return {
    id: incident.id,
    number: incident.number,
    title: incident.title,
    description: incident.description,
    impact: incident.impact,
    urgency: incident.urgency,
    priority: incident.priority,
    state: incident.state,
    requesterId: incident.requesterId,
    requesterName: incident.requesterName,
    createdAt: incident.createdAt.toISOString(),
    updatedAt: incident.updatedAt.toISOString(),
    version: incident.version,
  };
}

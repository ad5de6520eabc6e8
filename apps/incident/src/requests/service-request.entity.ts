import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, Unique, UpdateDateColumn, VersionColumn } from 'typeorm';
import { type ApprovalPolicyDto, RequestState, type ServiceRequestSnapshot } from '@itsm/contracts';
import { CatalogItem } from '../catalog/catalog-item.entity';

/**
 * A service request: what was asked for (the item, the answers) and where it stands. The item's name, version
 * and approval rules are copied at submission, so later catalog changes do not change a request in flight.
 */
@Entity({ name: 'requests' })
@Unique('requests_number_key', ['number'])
@Index('requests_created_idx', ['createdAt', 'id'])
@Index('requests_requester_idx', ['requesterId', 'createdAt'])
@Index('requests_state_idx', ['state', 'createdAt'])
@Index('requests_item_idx', ['itemId', 'createdAt'])
@Check(
  'requests_state_check',
  "state IN ('submitted', 'awaiting_approval', 'approved', 'rejected', 'in_fulfillment', 'fulfilled', 'closed', 'canceled')",
)
export class ServiceRequest {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'requests_pkey' })
  id!: string;

  /** `REQ0001001`, from the `request_number_seq` sequence. */
  @Column({ type: 'text' })
  number!: string;

  @Column({ name: 'item_id', type: 'uuid' })
  itemId!: string;

  @ManyToOne(() => CatalogItem, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'item_id', foreignKeyConstraintName: 'requests_item_id_fkey' })
  item?: CatalogItem;

  @Column({ name: 'item_name', type: 'text' })
  itemName!: string;

  @Column({ name: 'item_version', type: 'int' })
  itemVersion!: number;

  @Column({ name: 'requester_id', type: 'text' })
  requesterId!: string;

  @Column({ name: 'requester_name', type: 'text', nullable: true })
  requesterName!: string | null;

  /** The requester's token `groups` at submission, kept so every later event of the request carries the same ones. */
  @Column({ name: 'requester_groups', type: 'text', array: true, default: () => `'{}'` })
  requesterGroups!: string[];

  @Column({ name: 'manager_id', type: 'text', nullable: true })
  managerId!: string | null;

  @Column({ type: 'jsonb' })
  answers!: object;

  @Column({ type: 'jsonb' })
  approval!: ApprovalPolicyDto;

  @Column({ type: 'text' })
  state!: RequestState;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @VersionColumn({ type: 'int' })
  version!: number;
}

export function toRequestSnapshot(request: ServiceRequest): ServiceRequestSnapshot {
  return {
    id: request.id,
    number: request.number,
    itemId: request.itemId,
    itemName: request.itemName,
    itemVersion: request.itemVersion,
    requesterId: request.requesterId,
    requesterName: request.requesterName,
    requesterGroups: request.requesterGroups,
    managerId: request.managerId,
    // A JSON object: checked to be one before it was stored.
    answers: request.answers as Record<string, unknown>,
    approval: request.approval,
    state: request.state,
    createdAt: request.createdAt.toISOString(),
    updatedAt: request.updatedAt.toISOString(),
    version: request.version,
  };
}

import { Check, Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn, VersionColumn } from 'typeorm';
import { type ApprovalPolicyDto, type CatalogItemView, CatalogItemStatus } from '@itsm/contracts';

/** Something users can ask for: its form (a JSON Schema), who approves it and who delivers it. */
@Entity({ name: 'catalog_items' })
@Index('catalog_items_status_name_idx', ['status', 'name', 'id'])
@Check('catalog_items_status_check', "status IN ('active', 'retired')")
@Check('catalog_items_delivery_check', 'expected_delivery_hours > 0')
export class CatalogItem {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'catalog_items_pkey' })
  id!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text', nullable: true })
  description!: string | null;

  @Column({ type: 'text' })
  category!: string;

  /** JSON Schema (draft 2020-12) of the answers; checked before it is stored. */
  @Column({ name: 'form_schema', type: 'jsonb' })
  formSchema!: object;

  @Column({ type: 'jsonb' })
  approval!: ApprovalPolicyDto;

  @Column({ name: 'fulfillment_group', type: 'text' })
  fulfillmentGroup!: string;

  @Column({ name: 'expected_delivery_hours', type: 'int' })
  expectedDeliveryHours!: number;

  @Column({ type: 'text' })
  status!: CatalogItemStatus;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @VersionColumn({ type: 'int' })
  version!: number;
}

export function toCatalogItemView(item: CatalogItem): CatalogItemView {
  return {
    id: item.id,
    name: item.name,
    description: item.description,
    category: item.category,
    // A JSON object: checked to be one before it was stored.
    formSchema: item.formSchema as Record<string, unknown>,
    approval: item.approval,
    fulfillmentGroup: item.fulfillmentGroup,
    expectedDeliveryHours: item.expectedDeliveryHours,
    status: item.status,
    createdAt: item.createdAt.toISOString(),
    updatedAt: item.updatedAt.toISOString(),
    version: item.version,
  };
}

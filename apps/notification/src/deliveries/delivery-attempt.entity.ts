import { Column, Entity, ManyToOne, JoinColumn, PrimaryColumn } from 'typeorm';
import { Delivery } from './delivery.entity';

/** One attempt to send a delivery: when, what came back, how long it took. */
@Entity({ name: 'delivery_attempts' })
export class DeliveryAttempt {
  @PrimaryColumn({ name: 'delivery_id', type: 'uuid', primaryKeyConstraintName: 'delivery_attempts_pkey' })
  deliveryId!: string;

  @PrimaryColumn({ type: 'int', primaryKeyConstraintName: 'delivery_attempts_pkey' })
  attempt!: number;

  @ManyToOne(() => Delivery, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'delivery_id', foreignKeyConstraintName: 'delivery_attempts_delivery_fkey' })
  delivery?: Delivery;

  @Column({ type: 'timestamptz' })
  at!: Date;

  @Column({ name: 'status_code', type: 'int', nullable: true })
  statusCode!: number | null;

  @Column({ type: 'text', nullable: true })
  error!: string | null;

  @Column({ name: 'latency_ms', type: 'int' })
  latencyMs!: number;

  @Column({ type: 'boolean', default: false })
  replay!: boolean;
}

import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { Logger } from 'pino';
import { IncidentState } from '@itsm/contracts';
import { PeriodicTask, SYSTEM_ACTOR } from '@itsm/messaging';
import { SERVICE_CONFIG, SERVICE_OPTIONS, type ServiceRuntimeOptions } from '@itsm/runtime';
import { counter } from '@itsm/observability';
import type { IncidentConfig } from '../config';
import { Incident, toIncidentView } from '../incidents/incident.entity';
import { IncidentWriter } from '../incidents/incident.writer';
import { TransitionsService } from './transitions.service';

const BATCH = 100;
const autoClosed = counter('itsm_incident_auto_closed_total', 'Resolved incidents closed automatically after the resolved period');

/**
 * Closes incidents that have stayed resolved for INCIDENT_AUTO_CLOSE_DAYS. Replicas share the work: each
 * batch is claimed with `FOR UPDATE SKIP LOCKED`, so no incident is closed twice.
 */
@Injectable()
export class AutoCloseJob implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger: Logger;
  private readonly task: PeriodicTask;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly writer: IncidentWriter,
    private readonly transitions: TransitionsService,
    @Inject(SERVICE_CONFIG) private readonly config: IncidentConfig,
    @Inject(SERVICE_OPTIONS) options: ServiceRuntimeOptions,
  ) {
    this.logger = options.logger.child({ component: 'auto-close' });
    this.task = new PeriodicTask(this.logger, 'auto-close failed; trying again later');
  }

  onApplicationBootstrap(): void {
    this.task.start(this.config.INCIDENT_AUTO_CLOSE_INTERVAL_MS, () => this.run());
  }

  onModuleDestroy(): Promise<void> {
    return this.task.stop();
  }

  /** Closes every incident due; returns how many. */
  async run(): Promise<number> {
    let total = 0;
    for (;;) {
      const closed = await this.dataSource.transaction(async (manager) => {
        const due = await manager
          .createQueryBuilder(Incident, 'i')
          .setLock('pessimistic_write')
          .setOnLocked('skip_locked')
          .where('i.state = :state', { state: IncidentState.Resolved })
          .andWhere('i.resolved_at < now() - make_interval(days => :days)', { days: this.config.INCIDENT_AUTO_CLOSE_DAYS })
          .orderBy('i.resolved_at', 'ASC')
          .limit(BATCH)
          .getMany();
        const reason = `closed automatically ${this.config.INCIDENT_AUTO_CLOSE_DAYS} days after resolution`;
        for (const incident of due) {
          const before = toIncidentView(incident);
          Object.assign(incident, { state: IncidentState.Closed, closedAt: new Date() });
          await this.writer.save(manager, incident, before, {
            actorId: SYSTEM_ACTOR,
            action: 'state_changed',
            events: (after) => this.transitions.stateEvents(before, after, reason, { reopened: false, automatic: true }),
          });
        }
        return due.length;
      });
      total += closed;
      autoClosed.inc(closed);
      if (closed < BATCH) break;
    }
    if (total > 0) this.logger.info({ closed: total }, 'closed resolved incidents automatically');
    return total;
  }
}

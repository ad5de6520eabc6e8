import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { PeriodicTask } from '@itsm/messaging';
import { SERVICE_CONFIG, SERVICE_OPTIONS, type ServiceRuntimeOptions } from '@itsm/runtime';
import { counter } from '@itsm/observability';
import { nextAlertAt, pendingAlerts } from '../domain/alerts';
import { dueAt } from '../domain/clock-engine';
import type { SlaConfig } from '../config';
import { ClockAlert } from './clock-alert.entity';
import { clockFromRow } from './clock-mapping';
import { ClockKeeper } from './clock-keeper';
import { ClockRow } from './clock.entity';
import { SlaTicket } from './ticket.entity';

const alertsSent = counter('itsm_sla_alerts_total', 'SLA warnings and breaches emitted', ['kind']);
const ticketsRebuilt = counter('itsm_sla_tickets_rebuilt_total', 'Tickets whose clocks were rebuilt after a policy or calendar change');

/**
 * Emits warnings and breaches when they fall due, and rebuilds the clocks of tickets whose policies or
 * calendars changed. It only looks at clocks whose `next_alert_at` has come (an index keeps that cheap however
 * many clocks run), and claims them `FOR UPDATE SKIP LOCKED`, so replicas share the work and never both take
 * the same clock; the alert row's key makes each alert go out once even so.
 */
@Injectable()
export class AlertScheduler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly task: PeriodicTask;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly keeper: ClockKeeper,
    @Inject(SERVICE_CONFIG) private readonly config: SlaConfig,
    @Inject(SERVICE_OPTIONS) options: ServiceRuntimeOptions,
  ) {
    this.task = new PeriodicTask(options.logger.child({ component: 'sla-scheduler' }), 'SLA scheduler pass failed; trying again');
  }

  onApplicationBootstrap(): void {
    this.task.start(this.config.SLA_TIMER_INTERVAL_MS, () => this.tick());
  }

  onModuleDestroy(): Promise<void> {
    return this.task.stop();
  }

  /** Due alerts first, then a batch of rebuilds, and again while either has more: a long rebuild never holds alerts back. */
  async tick(): Promise<void> {
    for (;;) {
      const due = await this.emitDue();
      const rebuilt = await this.rebuildStale();
      if (due < this.config.SLA_TIMER_BATCH && rebuilt < this.config.SLA_TIMER_BATCH) return;
    }
  }

  /** One batch of clocks whose next alert is due: emits what they owe; returns how many clocks it took. */
  async emitDue(now = Date.now()): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const rows = await manager
        .createQueryBuilder(ClockRow, 'c')
        .setLock('pessimistic_write')
        .setOnLocked('skip_locked')
        .where('c.next_alert_at <= :now', { now: new Date(now) })
        .orderBy('c.next_alert_at', 'ASC')
        .limit(this.config.SLA_TIMER_BATCH)
        .getMany();
      if (rows.length === 0) return 0;
      const calendar = (await this.keeper.rules(manager)).calendar;
      const alerts = await manager.find(ClockAlert, { where: rows.map((row) => ({ clockId: row.id })) });
      for (const row of rows) {
        const clock = clockFromRow(row);
        const businessTime = calendar(clock.calendarId);
        const sent = new Set(alerts.filter((alert) => alert.clockId === row.id).map((alert) => alert.thresholdPercent));
        const due = dueAt(clock, businessTime) ?? now;
        for (const alert of pendingAlerts(clock, sent, businessTime).filter((candidate) => candidate.at <= now)) {
          const ticket = { id: row.ticketId, number: row.ticketNumber, type: row.ticketType };
          if (await this.keeper.alert(manager, ticket, row.id, clock, alert.thresholdPercent, { at: alert.at, due })) {
            alertsSent.inc({ kind: alert.thresholdPercent === 100 ? 'breach' : 'warning' });
          }
          sent.add(alert.thresholdPercent);
        }
        const next = nextAlertAt(clock, sent, businessTime);
        await manager.update(ClockRow, { id: row.id }, { nextAlertAt: next === null ? null : new Date(next) });
      }
      return rows.length;
    });
  }

  /** One batch of tickets marked stale by a policy or calendar change: rebuilds their clocks. */
  async rebuildStale(): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const tickets = await manager
        .createQueryBuilder(SlaTicket, 't')
        .select('t.id')
        .setLock('pessimistic_write')
        .setOnLocked('skip_locked')
        .where('t.stale = true')
        .limit(this.config.SLA_TIMER_BATCH)
        .getMany();
      for (const ticket of tickets) await this.keeper.rebuild(manager, ticket.id);
      ticketsRebuilt.inc(tickets.length);
      return tickets.length;
    });
  }
}

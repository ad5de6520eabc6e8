import type { EntityManager } from 'typeorm';
import { SlaTicket } from './ticket.entity';
import { ClockRow } from './clock.entity';

/** After a policy change: every open ticket's clocks are rebuilt (by the scheduler) under the new rules. */
export async function markOpenTicketsStale(manager: EntityManager): Promise<void> {
  await manager.createQueryBuilder().update(SlaTicket).set({ stale: true }).where('open = true').andWhere('stale = false').execute();
}

/** After a calendar change: the tickets with a running or paused clock on that calendar. */
export async function markCalendarTicketsStale(manager: EntityManager, calendarId: string): Promise<void> {
  const clocks = manager.connection.getMetadata(ClockRow).tablePath;
  await manager
    .createQueryBuilder()
    .update(SlaTicket)
    .set({ stale: true })
    .where(`id IN (SELECT ticket_id FROM ${clocks} WHERE calendar_id = :calendarId AND status IN ('running', 'paused'))`, { calendarId })
    .execute();
}

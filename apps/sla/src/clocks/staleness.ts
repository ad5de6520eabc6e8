import type { EntityManager } from 'typeorm';
import type { SlaTicketType } from '@itsm/contracts';
import { SlaTicket } from './ticket.entity';
import { ClockRow } from './clock.entity';

/**
 * After a policy change: the open tickets the change can reach get their clocks rebuilt (by the scheduler) under the
 * new rules: those of the given ticket types, every open ticket when `ticketTypes` is undefined, none when it is
 * empty. A ticket never changes type, so one of another type can never match the policy and its clocks stay as
 * they are; rewriting its row in the change's transaction (and replaying its history afterwards) is work for nothing.
 */
export async function markOpenTicketsStale(manager: EntityManager, ticketTypes?: readonly SlaTicketType[]): Promise<void> {
  if (ticketTypes?.length === 0) return;
  const update = manager.createQueryBuilder().update(SlaTicket).set({ stale: true }).where('open = true').andWhere('stale = false');
  if (ticketTypes) update.andWhere('type IN (:...ticketTypes)', { ticketTypes });
  await update.execute();
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

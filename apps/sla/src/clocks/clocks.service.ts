import { isDeepStrictEqual } from 'node:util';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import {
  type ClockDifference,
  ClockState,
  type ClockView,
  DEFAULT_PAGE_SIZE,
  type ClockPage,
  type ListClocksRequest,
  type RecomputeClocksRequest,
  type RecomputeClocksResult,
  SlaError,
  SlaErrorCode,
} from '@itsm/contracts';
import { decodeTimeCursor, encodeTimeCursor } from '@itsm/persistence';
import { ClockAlert } from './clock-alert.entity';
import { ClockKeeper } from './clock-keeper';
import { clockFromRow, clockIdOf, clockView } from './clock-mapping';
import { ClockRow } from './clock.entity';

/** Fields of a clock that a rebuild compares: everything the events decide (alerts are what was sent, and stay). */
const COMPARED: ReadonlyArray<keyof ReturnType<typeof clockFromRow>> = [
  'policyName',
  'calendarId',
  'targetMs',
  'warnAt',
  'status',
  'elapsedMs',
  'since',
  'startedAt',
  'stoppedAt',
  'stopReason',
  'breachedAt',
  'history',
];

/** Reading clocks, and rebuilding a ticket's clocks on request. */
@Injectable()
export class ClocksService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly keeper: ClockKeeper,
  ) {}

  async list(query: ListClocksRequest): Promise<ClockPage> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const builder = this.dataSource.getRepository(ClockRow).createQueryBuilder('c');
    if (query.ticket) builder.andWhere('c.ticket_id = :ticket', { ticket: query.ticket });
    if (query.ticketType) builder.andWhere('c.ticket_type = :ticketType', { ticketType: query.ticketType });
    if (query.policyId) builder.andWhere('c.policy_id = :policyId', { policyId: query.policyId });
    if (query.metric) builder.andWhere('c.metric = :metric', { metric: query.metric });
    if (query.breached !== undefined) builder.andWhere(query.breached ? BREACHED : `NOT (${BREACHED})`);
    if (query.state && query.state.length > 0) builder.andWhere(`(${query.state.map((state) => STATE_SQL[state]).join(' OR ')})`);
    if (query.cursor) {
      const { at, id } = decodeTimeCursor(query.cursor);
      builder.andWhere('(c.started_at, c.id) > (:startedAt, :id)', { startedAt: at, id });
    }
    const rows = await builder.orderBy('c.started_at', 'ASC').addOrderBy('c.id', 'ASC').take(limit + 1).getMany();
    const page = rows.slice(0, limit);
    const items = await this.views(this.dataSource.manager, page);
    const last = page.at(-1);
    return { items, nextCursor: rows.length > limit && last ? encodeTimeCursor(last.startedAt, last.id) : null };
  }

  /** Rebuilds a ticket's clocks from its events, stores them, and reports every value that was different. */
  async recompute(request: RecomputeClocksRequest): Promise<RecomputeClocksResult> {
    return this.dataSource.transaction(async (manager) => {
      const rebuilt = await this.keeper.rebuild(manager, request.ticket);
      if (!rebuilt) throw new SlaError(SlaErrorCode.TicketNotFound, `no events of ticket ${request.ticket} have reached the SLA service`);
      const stored = new Map(rebuilt.before.rows.map((row) => [row.id, clockFromRow(row)]));
      const differences: ClockDifference[] = [];
      const seen = new Set<string>();
      for (const clock of rebuilt.after.clocks) {
        const clockId = clockIdOf(request.ticket, clock);
        seen.add(clockId);
        const before = stored.get(clockId);
        if (!before) {
          differences.push({ clockId, field: 'clock', stored: null, recomputed: `${clock.kind} ${clock.metric} of ${clock.policyName}` });
          continue;
        }
        for (const field of COMPARED) {
          if (!isDeepStrictEqual(before[field], clock[field])) differences.push({ clockId, field, stored: before[field], recomputed: clock[field] });
        }
      }
      for (const [clockId, before] of stored) {
        if (!seen.has(clockId)) differences.push({ clockId, field: 'clock', stored: `${before.kind} ${before.metric} of ${before.policyName}`, recomputed: null });
      }
      const rows = await manager.find(ClockRow, { where: { ticketId: request.ticket }, order: { startedAt: 'ASC', id: 'ASC' } });
      return { ticketId: request.ticket, events: rebuilt.facts, differences, clocks: await this.views(manager, rows) };
    });
  }

  async views(manager: EntityManager, rows: ClockRow[]): Promise<ClockView[]> {
    if (rows.length === 0) return [];
    const alerts = await manager.find(ClockAlert, { where: rows.map((row) => ({ clockId: row.id })) });
    const rules = await this.keeper.rules(manager);
    const now = Date.now();
    return rows.map((row) =>
      clockView(
        row,
        alerts.filter((alert) => alert.clockId === row.id),
        rules.calendar(row.calendarId),
        now,
      ),
    );
  }
}

/** Past its target now: stopped late, or running with its due time gone (or a breach already noted). */
const BREACHED = `(c.elapsed_ms > c.target_ms OR c.breached_at IS NOT NULL OR (c.status = 'running' AND c.due_at <= now()))`;
const STATE_SQL: Record<ClockState, string> = {
  [ClockState.Canceled]: `c.status = 'canceled'`,
  [ClockState.Breached]: `(c.status <> 'canceled' AND ${BREACHED})`,
  [ClockState.Achieved]: `(c.status = 'stopped' AND NOT ${BREACHED})`,
  [ClockState.Paused]: `(c.status = 'paused' AND NOT ${BREACHED})`,
  [ClockState.Running]: `(c.status = 'running' AND NOT ${BREACHED})`,
};


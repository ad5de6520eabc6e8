import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import {
  type BreachesQuery,
  type BreachPage,
  type ComplianceGrouping,
  type ComplianceReport,
  type ComplianceReportQuery,
  type ComplianceRow,
  DEFAULT_PAGE_SIZE,
  type ResponseTimesReport,
  type ResponseTimesQuery,
  SlaError,
  SlaErrorCode,
  type SlaReportQuery,
  type TimeToMetric,
} from '@itsm/contracts';
import { decodeTimeCursor, encodeTimeCursor } from '@itsm/persistence';
import { ClockRow } from '../clocks/clock.entity';
import { ClocksService } from '../clocks/clocks.service';

const KEYS: Record<ComplianceGrouping, { key: string; label: string }> = {
  policy: { key: 'c.policy_id::text', label: 'c.policy_name' },
  priority: { key: 'c.priority', label: 'NULL' },
  service: { key: 'c.service_id::text', label: 'NULL' },
  group: { key: 'c.assignment_group', label: 'NULL' },
};

/** When an active clock passed its target: noted at its last change, or its due time if that has gone by. */
const ACTIVE_BREACH = `COALESCE(c.breached_at, CASE WHEN c.status = 'running' AND c.due_at <= now() THEN c.due_at END)`;
/** When any clock passed its target, if it did. */
const BREACH_TIME = `(CASE WHEN c.status = 'canceled' THEN NULL WHEN c.status = 'stopped' THEN CASE WHEN c.elapsed_ms > c.target_ms THEN COALESCE(c.breached_at, c.stopped_at) END ELSE ${ACTIVE_BREACH} END)`;

interface Filters {
  sql: string;
  params: unknown[];
}

function period(query: { from: string; to: string }): { from: Date; to: Date } {
  const from = new Date(query.from);
  const to = new Date(query.to);
  if (to <= from) throw SlaError.ofFields(SlaErrorCode.ReportPeriodEmpty, 'the period is empty', [{ field: 'to', message: 'must be after from' }]);
  return { from, to };
}

/** The WHERE conditions every report shares; parameters from $3 on ($1 and $2 are the period). */
function filters(query: Pick<SlaReportQuery, 'ticketType' | 'kind' | 'metric' | 'policyId'>, defaults: { kind?: string } = {}): Filters {
  const conditions: string[] = [];
  const params: unknown[] = [];
  const add = (column: string, value: unknown) => {
    params.push(value);
    conditions.push(`${column} = $${params.length + 2}`);
  };
  if (query.ticketType) add('c.ticket_type', query.ticketType);
  const kind = query.kind ?? defaults.kind;
  if (kind) add('c.kind', kind);
  if (query.metric) add('c.metric', query.metric);
  if (query.policyId) add('c.policy_id', query.policyId);
  return { sql: conditions.map((condition) => ` AND ${condition}`).join(''), params };
}

const percent = (achieved: number, total: number): number | null => (total === 0 ? null : Math.round((achieved / total) * 1000) / 10);
const num = (value: string | number | null): number | null => (value === null ? null : Math.round(Number(value)));

/** Compliance, MTTA/MTTR and breaches over a period, computed in the database from the clocks. */
@Injectable()
export class ReportsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clocks: ClocksService,
  ) {}

  private get table(): string {
    return this.dataSource.getMetadata(ClockRow).tablePath;
  }

  /**
   * Of the clocks that achieved their target in the period (counted when they stopped) or breached in it
   * (counted when they passed the target, whether they stopped later or still run), the share that achieved;
   * per policy, priority, service or assignment group. A past period keeps its figures when its late clocks
   * stop afterwards. Canceled clocks do not count.
   */
  async compliance(query: ComplianceReportQuery): Promise<ComplianceReport> {
    const { from, to } = period(query);
    const groupBy = query.groupBy ?? 'policy';
    const { key, label } = KEYS[groupBy];
    const where = filters(query, { kind: 'sla' });
    const rows: Array<{ key: string | null; label: string | null; total: string; achieved: string; breached: string }> = await this.dataSource.query(
      `SELECT key, max(label) AS label, count(*) AS total, count(*) FILTER (WHERE NOT late) AS achieved, count(*) FILTER (WHERE late) AS breached
       FROM (
         SELECT ${key} AS key, ${label} AS label, false AS late
           FROM ${this.table} c WHERE c.status = 'stopped' AND c.elapsed_ms <= c.target_ms AND c.stopped_at >= $1 AND c.stopped_at < $2${where.sql}
         UNION ALL
         SELECT ${key}, ${label}, true
           FROM ${this.table} c WHERE ${BREACH_TIME} >= $1 AND ${BREACH_TIME} < $2${where.sql}
       ) measured
       GROUP BY key ORDER BY key NULLS LAST`,
      [from, to, ...where.params],
    );
    const items: ComplianceRow[] = rows.map((row) => {
      const total = Number(row.total);
      const achieved = Number(row.achieved);
      return { key: row.key, label: row.label, total, achieved, breached: Number(row.breached), compliancePercent: percent(achieved, total) };
    });
    const total = items.reduce((sum, row) => sum + row.total, 0);
    const achieved = items.reduce((sum, row) => sum + row.achieved, 0);
    return {
      from: from.toISOString(),
      to: to.toISOString(),
      groupBy,
      rows: items,
      overall: { key: null, label: null, total, achieved, breached: total - achieved, compliancePercent: percent(achieved, total) },
    };
  }

  /** MTTA from the response clocks and MTTR from the resolution clocks met in the period: mean and p90, business and wall. */
  async responseTimes(query: ResponseTimesQuery): Promise<ResponseTimesReport> {
    const { from, to } = period(query);
    const measure = async (metric: 'response' | 'resolution'): Promise<TimeToMetric> => {
      const where = filters({ ...query, metric }, { kind: 'sla' });
      const [row]: Array<Record<string, string | null>> = await this.dataSource.query(
        `SELECT count(*) AS count,
                avg(c.elapsed_ms) / 1000.0 AS business_mean,
                percentile_cont(0.9) WITHIN GROUP (ORDER BY c.elapsed_ms) / 1000.0 AS business_p90,
                avg(extract(epoch FROM c.stopped_at - c.started_at)) AS wall_mean,
                percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM c.stopped_at - c.started_at)) AS wall_p90
         FROM ${this.table} c
         WHERE c.status = 'stopped' AND c.stop_reason = 'met' AND c.stopped_at >= $1 AND c.stopped_at < $2${where.sql}`,
        [from, to, ...where.params],
      );
      return {
        count: Number(row?.count ?? 0),
        business: { mean: num(row?.business_mean ?? null), p90: num(row?.business_p90 ?? null) },
        wall: { mean: num(row?.wall_mean ?? null), p90: num(row?.wall_p90 ?? null) },
      };
    };
    return { from: from.toISOString(), to: to.toISOString(), mtta: await measure('response'), mttr: await measure('resolution') };
  }

  /** Clocks that passed their target in the period, the latest breach first. */
  async breaches(query: BreachesQuery): Promise<BreachPage> {
    const { from, to } = period(query);
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const where = filters(query, { kind: 'sla' });
    const params: unknown[] = [from, to, ...where.params];
    let after = '';
    if (query.cursor) {
      const { at, id } = decodeTimeCursor(query.cursor);
      params.push(new Date(at), id);
      after = ` AND (${BREACH_TIME}, c.id) < ($${params.length - 1}, $${params.length})`;
    }
    const found: Array<{ id: string; breached_at: Date }> = await this.dataSource.query(
      `SELECT c.id, ${BREACH_TIME} AS breached_at FROM ${this.table} c
       WHERE ${BREACH_TIME} >= $1 AND ${BREACH_TIME} < $2${where.sql}${after}
       ORDER BY ${BREACH_TIME} DESC, c.id DESC LIMIT ${limit + 1}`,
      params,
    );
    const page = found.slice(0, limit);
    const rows = page.length === 0 ? [] : await this.dataSource.getRepository(ClockRow).findBy(page.map((row) => ({ id: row.id })));
    const byId = new Map(rows.map((row) => [row.id, row]));
    const items = await this.clocks.views(this.dataSource.manager, page.map((row) => byId.get(row.id)).filter((row): row is ClockRow => row !== undefined));
    const last = page.at(-1);
    return { items, nextCursor: found.length > limit && last ? encodeTimeCursor(new Date(last.breached_at), last.id) : null };
  }
}

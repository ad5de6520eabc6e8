import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import {
  type DurationFigures,
  type FirstContactResolutionQuery,
  type FirstContactResolutionReport,
  type FirstContactResolutionRow,
  type FulfilmentTimesQuery,
  type FulfilmentTimesReport,
  type IncidentBacklogReport,
  type IncidentReportQuery,
  type IncidentSeriesGrouping,
  type IncidentSeriesQuery,
  type IncidentVolumeReport,
  REASSIGNMENT_DISTRIBUTION_CAP,
  type ReassignmentReport,
  type ReassignmentRow,
  type ReopenRateQuery,
  type ReopenRateReport,
  type ReopenRateRow,
  type ResolutionTimesQuery,
  type ResolutionTimesReport,
  type ResolutionTimesRow,
} from '@itsm/contracts';
import { AuditEntry } from '@itsm/persistence';
import { percentOf, type ReportRange, reportBuckets, reportRange, twoDecimals } from '../domain/report-period';
import { Incident } from '../incidents/incident.entity';
import { CatalogItem } from '../catalog/catalog-item.entity';
import { ServiceRequest } from '../requests/service-request.entity';

/** The SQL of what a report groups by; `channel` only where a report offers it. */
const KEY_SQL: Record<IncidentSeriesGrouping | 'channel', string> = {
  state: 'i.state',
  priority: 'i.priority',
  group: 'i.assignment_group',
  service: 'i.service_id::text',
  channel: 'i.channel',
};

/** Incidents still open now, as the backlog takes their state to be at any earlier instant they were open. */
const OPEN_STATES_SQL = `('new', 'in_progress', 'on_hold')`;

/** Positional parameters of one query, numbered as they are added. */
class Params {
  readonly values: unknown[] = [];

  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/** The filters every incident report takes, as conditions on `i`. */
function filtersOf(query: IncidentReportQuery, params: Params): string[] {
  return [
    ...(query.service === undefined ? [] : [`i.service_id = ${params.add(query.service)}`]),
    ...(query.assignmentGroup === undefined ? [] : [`i.assignment_group = ${params.add(query.assignmentGroup)}`]),
    ...(query.priority === undefined ? [] : [`i.priority = ${params.add(query.priority)}`]),
  ];
}

const asked = ({ from, to }: ReportRange) => ({ from: from.toISOString(), to: to.toISOString() });

interface DurationColumns {
  count: number;
  mean: string | null;
  median: string | null;
  p90: string | null;
}

const figures = (row: DurationColumns | undefined): DurationFigures => ({
  count: row?.count ?? 0,
  mean: twoDecimals(row?.mean),
  median: twoDecimals(row?.median),
  p90: twoDecimals(row?.p90),
});

/** count, mean, median and p90 of `seconds` over the rows where `condition` holds, as columns `<prefix>_count` … */
function durationColumns(prefix: string, seconds: string, condition: string): string {
  return `count(*) FILTER (WHERE ${condition})::int AS ${prefix}_count,
          avg(${seconds}) FILTER (WHERE ${condition}) AS ${prefix}_mean,
          percentile_cont(0.5) WITHIN GROUP (ORDER BY ${seconds}) FILTER (WHERE ${condition}) AS ${prefix}_median,
          percentile_cont(0.9) WITHIN GROUP (ORDER BY ${seconds}) FILTER (WHERE ${condition}) AS ${prefix}_p90`;
}

function durationOf(row: Record<string, unknown>, prefix: string): DurationFigures {
  return figures({
    count: row[`${prefix}_count`] as number,
    mean: row[`${prefix}_mean`] as string | null,
    median: row[`${prefix}_median`] as string | null,
    p90: row[`${prefix}_p90`] as string | null,
  });
}

/** Rows grouped by `key`, and the grand total (`whole`) that GROUPING SETS adds even when nothing matched. */
function splitTotal<T extends { whole: boolean }>(rows: T[]): { rows: T[]; overall: T | undefined } {
  return { rows: rows.filter((row) => !row.whole), overall: rows.find((row) => row.whole) };
}

/**
 * The service-desk reports, each one query over the incident schema. Times are wall-clock: the business-hours
 * calendars belong to the SLA service, whose own report gives response and resolution in business time.
 */
@Injectable()
export class ReportsService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private table(entity: new () => object): string {
    return this.dataSource.getMetadata(entity).tablePath;
  }

  /**
   * Per bucket (and key), incidents opened, resolved (latest resolution) and closed (not canceled nor merged).
   * Grouped by state, the key is the incident's state now. `width_bucket` puts each move in its bucket by binary
   * search over the buckets' starts (the moves are all in the period, so in some bucket).
   */
  async volume(query: IncidentSeriesQuery): Promise<IncidentVolumeReport> {
    const range = reportRange(query);
    const interval = query.interval ?? 'day';
    const buckets = reportBuckets(range, interval);
    const params = new Params();
    const starts = params.add(buckets.map((b) => b.start));
    const ends = params.add(buckets.map((b) => b.end));
    const from = params.add(range.from);
    const to = params.add(range.to);
    const key = query.groupBy ? KEY_SQL[query.groupBy] : 'NULL::text';
    const where = ['TRUE', ...filtersOf(query, params)].join(' AND ');
    const incidents = this.table(Incident);
    const rows: Array<{ starts: Date; ends: Date; key: string | null; opened: number; resolved: number; closed: number }> = await this.dataSource.query(
      `WITH b AS (SELECT * FROM unnest(${starts}::timestamptz[], ${ends}::timestamptz[]) WITH ORDINALITY AS b(starts, ends, idx)),
       e AS (
         SELECT ${key} AS key, 'opened' AS kind, i.opened_at AS at FROM ${incidents} i WHERE ${where} AND i.opened_at >= ${from} AND i.opened_at < ${to}
         UNION ALL
         SELECT ${key}, 'resolved', i.resolved_at FROM ${incidents} i WHERE ${where} AND i.resolved_at >= ${from} AND i.resolved_at < ${to}
         UNION ALL
         SELECT ${key}, 'closed', i.closed_at FROM ${incidents} i WHERE ${where} AND i.state = 'closed' AND i.closed_at >= ${from} AND i.closed_at < ${to}
       )
       SELECT b.starts, b.ends, e.key,
              count(*) FILTER (WHERE e.kind = 'opened')::int AS opened,
              count(*) FILTER (WHERE e.kind = 'resolved')::int AS resolved,
              count(*) FILTER (WHERE e.kind = 'closed')::int AS closed
       FROM b ${query.groupBy ? 'JOIN' : 'LEFT JOIN'} e ON width_bucket(e.at, ${starts}::timestamptz[]) = b.idx
       GROUP BY b.starts, b.ends, e.key
       ORDER BY b.starts, e.key NULLS LAST`,
      params.values,
    );
    return {
      ...asked(range),
      interval,
      groupBy: query.groupBy ?? null,
      rows: rows.map((row) => ({ start: row.starts.toISOString(), end: row.ends.toISOString(), key: row.key, opened: row.opened, resolved: row.resolved, closed: row.closed })),
    };
  }

  /**
   * Incidents open at the end of each bucket: opened at or before that instant and neither resolved nor ended
   * (closed, canceled, merged) by then. Only the latest resolution is kept on an incident, so one reopened counts
   * as open from its opening to its last resolution; and its state, priority and group are those it has now (an
   * incident resolved since counts, grouped by state, as `new` before its first response, `in_progress` after).
   *
   * Each incident is one or two stretches of being open under one key (two when grouped by state: `new` until its
   * first response, then `in_progress`); a stretch adds one at its start and takes one away at its end. The backlog
   * at a bucket's end is the running sum of those steps up to it, so the incidents are read once whatever the
   * number of buckets. `width_bucket` finds, by binary search, the first bucket whose end is at or after a step.
   */
  async backlog(query: IncidentSeriesQuery): Promise<IncidentBacklogReport> {
    const range = reportRange(query);
    const interval = query.interval ?? 'day';
    const buckets = reportBuckets(range, interval);
    const params = new Params();
    const starts = params.add(buckets.map((b) => b.start));
    const ends = params.add(buckets.map((b) => b.end));
    const from = params.add(range.from);
    const to = params.add(range.to);
    const end = 'coalesce(i.resolved_at, i.closed_at)';
    // `keep` leaves out the stretches an incident does not have (no `in_progress` one without a response before its end).
    let stretches = `(${query.groupBy ? KEY_SQL[query.groupBy] : 'NULL::text'}, i.opened_at, ${end}, TRUE)`;
    if (query.groupBy === 'state') {
      // Still open: its state now, from its opening. Ended: `new` until its first response, `in_progress` after.
      const stillOpen = `i.state IN ${OPEN_STATES_SQL}`;
      const responded = `i.responded_at IS NOT NULL AND i.responded_at < ${end}`;
      const switchAt = 'greatest(i.responded_at, i.opened_at)';
      stretches = `(i.state, i.opened_at, ${end}, ${stillOpen}),
                   ('new', i.opened_at, CASE WHEN ${responded} THEN ${switchAt} ELSE ${end} END, NOT ${stillOpen}),
                   ('in_progress', ${switchAt}, ${end}, NOT ${stillOpen} AND ${responded})`;
    }
    const filters = filtersOf(query, params).map((condition) => ` AND ${condition}`).join('');
    const rows: Array<{ starts: Date; ends: Date; key: string | null; open: number }> = await this.dataSource.query(
      `WITH b AS (SELECT * FROM unnest(${starts}::timestamptz[], ${ends}::timestamptz[]) WITH ORDINALITY AS b(starts, ends, idx)),
       stretch AS (
         SELECT s.key, s.starts, s.ends FROM ${this.table(Incident)} i CROSS JOIN LATERAL (VALUES ${stretches}) AS s(key, starts, ends, keep)
         WHERE s.keep AND s.starts <= ${to} AND (s.ends IS NULL OR s.ends > greatest(s.starts, ${from}))${filters}
       ),
       step AS (
         SELECT key, starts AS at, 1 AS delta FROM stretch
         UNION ALL
         SELECT key, ends, -1 FROM stretch WHERE ends IS NOT NULL
       ),
       per_bucket AS (
         SELECT key, width_bucket(at - interval '1 microsecond', ${ends}::timestamptz[]) + 1 AS idx, sum(delta) AS delta
         FROM step GROUP BY 1, 2
       ),
       k AS (${query.groupBy ? 'SELECT DISTINCT key FROM per_bucket' : 'SELECT NULL::text AS key'}),
       running AS (
         SELECT b.starts, b.ends, k.key, sum(coalesce(d.delta, 0)) OVER (PARTITION BY k.key ORDER BY b.idx) AS open
         FROM b CROSS JOIN k LEFT JOIN per_bucket d ON d.idx = b.idx AND d.key IS NOT DISTINCT FROM k.key
       )
       SELECT starts, ends, key, open::int AS open FROM running
       ${query.groupBy ? 'WHERE open > 0' : ''}
       ORDER BY starts, key NULLS LAST`,
      params.values,
    );
    return {
      ...asked(range),
      interval,
      groupBy: query.groupBy ?? null,
      rows: rows.map((row) => ({ start: row.starts.toISOString(), end: row.ends.toISOString(), key: row.key, open: row.open })),
    };
  }

  /** MTTA of the incidents first responded to in the period, MTTR of those (last) resolved in it, wall-clock seconds. */
  async resolutionTimes(query: ResolutionTimesQuery): Promise<ResolutionTimesReport> {
    const range = reportRange(query);
    const groupBy = query.groupBy ?? 'group';
    const params = new Params();
    const from = params.add(range.from);
    const to = params.add(range.to);
    const responded = `responded_at >= ${from} AND responded_at < ${to}`;
    const resolved = `resolved_at >= ${from} AND resolved_at < ${to}`;
    const rows: Array<Record<string, unknown> & { key: string | null; whole: boolean }> = await this.dataSource.query(
      `SELECT k AS key, grouping(k) = 1 AS whole,
              ${durationColumns('mtta', 'extract(epoch FROM responded_at - opened_at)', responded)},
              ${durationColumns('mttr', 'extract(epoch FROM resolved_at - opened_at)', resolved)}
       FROM (SELECT i.*, ${KEY_SQL[groupBy]} AS k FROM ${this.table(Incident)} i
             WHERE ((${responded}) OR (${resolved}))${filtersOf(query, params).map((c) => ` AND ${c}`).join('')}) i
       GROUP BY GROUPING SETS ((k), ())
       ORDER BY k NULLS LAST`,
      params.values,
    );
    const row = (r: (typeof rows)[number] | undefined): ResolutionTimesRow => ({
      key: r && !r.whole ? r.key : null,
      mtta: r ? durationOf(r, 'mtta') : figures(undefined),
      mttr: r ? durationOf(r, 'mttr') : figures(undefined),
    });
    const split = splitTotal(rows);
    return { ...asked(range), groupBy, rows: split.rows.map(row), overall: row(split.overall) };
  }

  /**
   * Of the incidents (last) resolved in the period, those resolved at first contact: never passed to another group
   * or agent (`reassignmentCount` 0) and never reopened (`reopenCount` 0).
   */
  async firstContactResolution(query: FirstContactResolutionQuery): Promise<FirstContactResolutionReport> {
    const range = reportRange(query);
    const groupBy = query.groupBy ?? 'group';
    const params = new Params();
    const rows = await this.resolvedShares(query, params, range, KEY_SQL[groupBy], 'i.reassignment_count = 0 AND i.reopen_count = 0');
    const row = (r: (typeof rows)[number] | undefined): FirstContactResolutionRow => ({
      key: r && !r.whole ? r.key : null,
      resolved: r?.resolved ?? 0,
      firstContact: r?.matching ?? 0,
      percent: percentOf(r?.matching ?? 0, r?.resolved ?? 0),
    });
    const split = splitTotal(rows);
    return { ...asked(range), groupBy, rows: split.rows.map(row), overall: row(split.overall) };
  }

  /** Of the incidents (last) resolved in the period, those reopened at least once. */
  async reopens(query: ReopenRateQuery): Promise<ReopenRateReport> {
    const range = reportRange(query);
    const groupBy = query.groupBy ?? 'group';
    const rows = await this.resolvedShares(query, new Params(), range, KEY_SQL[groupBy], 'i.reopen_count > 0');
    const row = (r: (typeof rows)[number] | undefined): ReopenRateRow => ({
      key: r && !r.whole ? r.key : null,
      resolved: r?.resolved ?? 0,
      reopened: r?.matching ?? 0,
      percent: percentOf(r?.matching ?? 0, r?.resolved ?? 0),
    });
    const split = splitTotal(rows);
    return { ...asked(range), groupBy, rows: split.rows.map(row), overall: row(split.overall) };
  }

  private resolvedShares(query: IncidentReportQuery, params: Params, range: ReportRange, key: string, matching: string): Promise<Array<{ key: string | null; whole: boolean; resolved: number; matching: number }>> {
    const from = params.add(range.from);
    const to = params.add(range.to);
    return this.dataSource.query(
      `SELECT k AS key, grouping(k) = 1 AS whole, count(*)::int AS resolved, count(*) FILTER (WHERE matching)::int AS matching
       FROM (SELECT ${key} AS k, ${matching} AS matching FROM ${this.table(Incident)} i
             WHERE i.resolved_at >= ${from} AND i.resolved_at < ${to}${filtersOf(query, params).map((c) => ` AND ${c}`).join('')}) i
       GROUP BY GROUPING SETS ((k), ())
       ORDER BY k NULLS LAST`,
      params.values,
    );
  }

  /** Reassignment counts of the incidents (last) resolved in the period, per the group they ended with. */
  async reassignments(query: IncidentReportQuery): Promise<ReassignmentReport> {
    const range = reportRange(query);
    const params = new Params();
    const from = params.add(range.from);
    const to = params.add(range.to);
    const counts = Array.from({ length: REASSIGNMENT_DISTRIBUTION_CAP + 1 }, (_, n) => n);
    const rows: Array<Record<string, unknown> & { key: string | null; whole: boolean; incidents: number; mean: string | null }> = await this.dataSource.query(
      `SELECT k AS key, grouping(k) = 1 AS whole, count(*)::int AS incidents, avg(reassignments) AS mean,
              ${counts.map((n) => `count(*) FILTER (WHERE least(reassignments, ${REASSIGNMENT_DISTRIBUTION_CAP}) = ${n})::int AS n${n}`).join(', ')}
       FROM (SELECT i.assignment_group AS k, i.reassignment_count AS reassignments FROM ${this.table(Incident)} i
             WHERE i.resolved_at >= ${from} AND i.resolved_at < ${to}${filtersOf(query, params).map((c) => ` AND ${c}`).join('')}) i
       GROUP BY GROUPING SETS ((k), ())
       ORDER BY k NULLS LAST`,
      params.values,
    );
    const row = (r: (typeof rows)[number] | undefined): ReassignmentRow => ({
      key: r && !r.whole ? r.key : null,
      incidents: r?.incidents ?? 0,
      mean: twoDecimals(r?.mean),
      distribution: counts.map((n) => ({ reassignments: n === REASSIGNMENT_DISTRIBUTION_CAP ? `${n}+` : String(n), incidents: (r?.[`n${n}`] as number | undefined) ?? 0 })),
    });
    const split = splitTotal(rows);
    return { ...asked(range), rows: split.rows.map(row), overall: row(split.overall) };
  }

  /**
   * Service requests first fulfilled (or closed without a fulfilment) in the period: from submission to that
   * move, which only the request's audit trail records.
   */
  async fulfilmentTimes(query: FulfilmentTimesQuery): Promise<FulfilmentTimesReport> {
    const range = reportRange(query);
    const params = new Params();
    const from = params.add(range.from);
    const to = params.add(range.to);
    const item = query.itemId === undefined ? '' : ` AND r.item_id = ${params.add(query.itemId)}`;
    const rows: Array<Record<string, unknown> & { item_id: string | null; item_name: string | null; whole: boolean }> = await this.dataSource.query(
      `SELECT f.item_id, min(c.name) AS item_name, grouping(f.item_id) = 1 AS whole,
              ${durationColumns('f', 'extract(epoch FROM f.fulfilled_at - f.submitted_at)', 'TRUE')}
       FROM (SELECT r.item_id, r.created_at AS submitted_at, done.at AS fulfilled_at
             FROM ${this.table(ServiceRequest)} r
             CROSS JOIN LATERAL (
               SELECT min(a.at) AS at FROM ${this.table(AuditEntry)} a
               WHERE a.entity_type = 'request' AND a.entity_id = r.id AND a.action = 'state_changed' AND a.after->>'state' IN ('fulfilled', 'closed')
             ) done
             WHERE r.state IN ('fulfilled', 'closed') AND r.updated_at >= ${from} AND r.created_at < ${to}${item}
               AND done.at >= ${from} AND done.at < ${to}) f
       JOIN ${this.table(CatalogItem)} c ON c.id = f.item_id
       GROUP BY GROUPING SETS ((f.item_id), ())
       ORDER BY item_name NULLS LAST, f.item_id`,
      params.values,
    );
    const split = splitTotal(rows);
    return {
      ...asked(range),
      rows: split.rows.map((r) => ({ itemId: r.item_id ?? '', itemName: r.item_name ?? '', fulfilment: durationOf(r, 'f') })),
      overall: split.overall ? durationOf(split.overall, 'f') : figures(undefined),
    };
  }
}

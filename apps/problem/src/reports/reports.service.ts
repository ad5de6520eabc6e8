import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import {
  type CandidatesReport,
  CommonError,
  CommonErrorCode,
  DEFAULT_REPORT_ROWS,
  type IncidentsPerProblemReport,
  type KnownErrorsInUseReport,
  type KnownErrorState,
  type ProblemReportQuery,
  type ProblemState,
  type ProblemTopReportQuery,
  type RecurringPatternsReport,
  type TimeToRootCauseReport,
} from '@itsm/contracts';
import { AuditEntry } from '@itsm/persistence';
import { IncidentObservation } from '../detection/incident-observation.entity';
import { KnownError } from '../known-errors/known-error.entity';
import { ProblemIncident } from '../links/problem-incident.entity';
import { Problem } from '../problems/problem.entity';

interface Period {
  from: Date;
  to: Date;
}

function period(query: ProblemReportQuery): Period {
  const from = new Date(query.from);
  const to = new Date(query.to);
  if (to <= from) throw new CommonError(CommonErrorCode.InvalidRequest, 'the period is empty', { errors: [{ field: 'to', message: 'must be after from' }] });
  return { from, to };
}

const asked = ({ from, to }: Period) => ({ from: from.toISOString(), to: to.toISOString() });
/** Two decimals, or null for no value (an average of nothing). */
const twoDecimals = (value: string | number | null | undefined): number | null => (value === null || value === undefined ? null : Math.round(Number(value) * 100) / 100);

/**
 * Trends of problem management, computed in the database: where incidents recur (from the incidents the detector
 * observed), how many incidents problems explain, how long root causes take, which known errors resolve incidents,
 * and what became of the detected candidates.
 */
@Injectable()
export class ReportsService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private table(entity: new () => object): string {
    return this.dataSource.getMetadata(entity).tablePath;
  }

  /**
   * The categories and CIs with the most incidents created in the period, each with the problems opened in the
   * period for it. Categories compare as detection compares them (trimmed, lower-cased).
   */
  async recurring(query: ProblemTopReportQuery): Promise<RecurringPatternsReport> {
    const range = period(query);
    const limit = query.limit ?? DEFAULT_REPORT_ROWS;
    const observations = this.table(IncidentObservation);
    const problems = this.table(Problem);
    const categories: Array<{ category: string | null; incidents: number; problems: number }> = await this.dataSource.query(
      `SELECT o.category, count(*)::int AS incidents,
              (SELECT count(*)::int FROM ${problems} p
                WHERE lower(btrim(p.category)) = o.category AND p.created_at >= $1 AND p.created_at < $2) AS problems
       FROM ${observations} o
       WHERE o.created_at >= $1 AND o.created_at < $2
       GROUP BY o.category
       ORDER BY incidents DESC, o.category NULLS LAST
       LIMIT $3`,
      [range.from, range.to, limit],
    );
    const cis: Array<{ ci_id: string; incidents: number; problems: number }> = await this.dataSource.query(
      `SELECT c.ci_id, count(*)::int AS incidents,
              (SELECT count(*)::int FROM ${problems} p
                WHERE p.ci_ids @> ARRAY[c.ci_id] AND p.created_at >= $1 AND p.created_at < $2) AS problems
       FROM ${observations} o CROSS JOIN LATERAL unnest(o.ci_ids) AS c(ci_id)
       WHERE o.created_at >= $1 AND o.created_at < $2
       GROUP BY c.ci_id
       ORDER BY incidents DESC, c.ci_id
       LIMIT $3`,
      [range.from, range.to, limit],
    );
    return {
      ...asked(range),
      categories: categories.map((row) => ({ category: row.category, incidents: row.incidents, problems: row.problems })),
      cis: cis.map((row) => ({ ciId: row.ci_id, incidents: row.incidents, problems: row.problems })),
    };
  }

  /** Of the problems opened in the period: how many, the incidents linked to them now, the mean, and the problems with the most. */
  async incidentsPerProblem(query: ProblemTopReportQuery): Promise<IncidentsPerProblemReport> {
    const range = period(query);
    const limit = query.limit ?? DEFAULT_REPORT_ROWS;
    const problems = this.table(Problem);
    const [totals]: Array<{ problems: number; incidents: number }> = await this.dataSource.query(
      `SELECT count(*)::int AS problems, coalesce(sum(cardinality(p.incident_ids)), 0)::int AS incidents
       FROM ${problems} p WHERE p.created_at >= $1 AND p.created_at < $2`,
      [range.from, range.to],
    );
    const top: Array<{ id: string; number: string; title: string; state: ProblemState; incidents: number }> = await this.dataSource.query(
      `SELECT p.id, p.number, p.title, p.state, cardinality(p.incident_ids) AS incidents
       FROM ${problems} p WHERE p.created_at >= $1 AND p.created_at < $2
       ORDER BY incidents DESC, p.number
       LIMIT $3`,
      [range.from, range.to, limit],
    );
    const count = totals?.problems ?? 0;
    const incidents = totals?.incidents ?? 0;
    return {
      ...asked(range),
      problems: count,
      incidents,
      meanIncidentsPerProblem: count === 0 ? null : twoDecimals(incidents / count),
      top: top.map((row) => ({ problemId: row.id, number: row.number, title: row.title, state: row.state, incidents: Number(row.incidents) })),
    };
  }

  /** Hours from opening to root cause, of the problems whose root cause was identified in the period. */
  async timeToRootCause(query: ProblemReportQuery): Promise<TimeToRootCauseReport> {
    const range = period(query);
    const [row]: Array<{ count: number; mean: string | null; median: string | null }> = await this.dataSource.query(
      `SELECT count(*)::int AS count,
              avg(extract(epoch FROM p.root_cause_identified_at - p.created_at) / 3600) AS mean,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM p.root_cause_identified_at - p.created_at) / 3600) AS median
       FROM ${this.table(Problem)} p
       WHERE p.root_cause_identified_at >= $1 AND p.root_cause_identified_at < $2`,
      [range.from, range.to],
    );
    return { ...asked(range), count: row?.count ?? 0, meanHours: twoDecimals(row?.mean), medianHours: twoDecimals(row?.median) };
  }

  /**
   * Per known error, the incidents linked to its problem that were resolved in the period with resolution code
   * `known_error` (as the detector last observed them), most first. The known error is the one the problem shows.
   */
  async knownErrorsInUse(query: ProblemTopReportQuery): Promise<KnownErrorsInUseReport> {
    const range = period(query);
    const limit = query.limit ?? DEFAULT_REPORT_ROWS;
    const rows: Array<{ id: string; number: string; title: string; state: KnownErrorState; problem_id: string; problem_number: string; incidents: number }> = await this.dataSource.query(
      `SELECT k.id, k.number, k.title, k.state, k.problem_id, k.problem_number, count(DISTINCT o.incident_id)::int AS incidents
       FROM ${this.table(IncidentObservation)} o
       JOIN ${this.table(ProblemIncident)} l ON l.incident_id = o.incident_id
       JOIN ${this.table(Problem)} p ON p.id = l.problem_id
       JOIN ${this.table(KnownError)} k ON k.id = p.known_error_id
       WHERE o.resolution_code = 'known_error' AND o.resolved_at >= $1 AND o.resolved_at < $2
       GROUP BY k.id
       ORDER BY incidents DESC, k.number
       LIMIT $3`,
      [range.from, range.to, limit],
    );
    return {
      ...asked(range),
      items: rows.map((row) => ({ knownErrorId: row.id, number: row.number, title: row.title, state: row.state, problemId: row.problem_id, problemNumber: row.problem_number, incidents: row.incidents })),
    };
  }

  /**
   * The candidates detection opened in the period: accepted (moved past `new` at some time, whatever their state
   * now, as their audit trail shows), canceled while still `new`, or still `new`.
   */
  async candidates(query: ProblemReportQuery): Promise<CandidatesReport> {
    const range = period(query);
    const [row]: Array<{ detected: number; accepted: number; canceled: number; open: number }> = await this.dataSource.query(
      `WITH candidates AS (
         SELECT p.state,
                p.state NOT IN ('new', 'canceled') OR EXISTS (
                  SELECT 1 FROM ${this.table(AuditEntry)} a
                  WHERE a.entity_type = 'problem' AND a.entity_id = p.id AND a.after->>'state' NOT IN ('new', 'canceled')
                ) AS accepted
         FROM ${this.table(Problem)} p
         WHERE p.detected AND p.created_at >= $1 AND p.created_at < $2
       )
       SELECT count(*)::int AS detected,
              count(*) FILTER (WHERE accepted)::int AS accepted,
              count(*) FILTER (WHERE NOT accepted AND state = 'canceled')::int AS canceled,
              count(*) FILTER (WHERE NOT accepted AND state = 'new')::int AS open
       FROM candidates`,
      [range.from, range.to],
    );
    return { ...asked(range), detected: row?.detected ?? 0, accepted: row?.accepted ?? 0, canceled: row?.canceled ?? 0, open: row?.open ?? 0 };
  }
}

import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import {
  type ChangeCausedIncidentsReport,
  type ChangeEmergencyRatioReport,
  ChangeOutcome,
  type ChangeReportQuery,
  type ChangeSuccessRateReport,
  type ChangeTopReportQuery,
  ChangeType,
  CommonError,
  CommonErrorCode,
  DEFAULT_REPORT_ROWS,
} from '@itsm/contracts';
import { SERVICE_CONFIG } from '@itsm/runtime';
import { Change } from '../changes/change.entity';
import type { ChangeConfig } from '../config';
import { IncidentObservation } from '../observations/incident-observation.entity';

interface Period {
  from: Date;
  to: Date;
}

function period(query: ChangeReportQuery): Period {
  const from = new Date(query.from);
  const to = new Date(query.to);
  if (to <= from) throw new CommonError(CommonErrorCode.InvalidRequest, 'the period is empty', { errors: [{ field: 'to', message: 'must be after from' }] });
  return { from, to };
}

const asked = ({ from, to }: Period) => ({ from: from.toISOString(), to: to.toISOString() });
/** A share with four decimals, or null when there is nothing to divide by. */
const ratio = (part: number, whole: number): number | null => (whole === 0 ? null : Math.round((part / whole) * 10_000) / 10_000);

/**
 * How change goes, computed in the database: the outcomes of the changes implemented in a period, the share of
 * emergencies among those raised, and the changes followed by incidents on the CIs they touched (the incidents as
 * the incident events brought them in).
 */
@Injectable()
export class ReportsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(SERVICE_CONFIG) private readonly config: ChangeConfig,
  ) {}

  private table(entity: new () => object): string {
    return this.dataSource.getMetadata(entity).tablePath;
  }

  /** The changes implemented (moved to review) in the period, by outcome, those backed out, and the share that succeeded. */
  async successRate(query: ChangeReportQuery): Promise<ChangeSuccessRateReport> {
    const range = period(query);
    const rows: Array<{ outcome: ChangeOutcome | null; count: number; backed_out: number }> = await this.dataSource.query(
      `SELECT c.outcome, count(*)::int AS count, count(*) FILTER (WHERE c.backout_performed)::int AS backed_out
       FROM ${this.table(Change)} c
       WHERE c.implemented_at >= $1 AND c.implemented_at < $2
       GROUP BY c.outcome`,
      [range.from, range.to],
    );
    const countOf = (outcome: ChangeOutcome): number => rows.find((row) => row.outcome === outcome)?.count ?? 0;
    const implemented = rows.reduce((sum, row) => sum + row.count, 0);
    const succeeded = countOf(ChangeOutcome.Successful) + countOf(ChangeOutcome.SuccessfulWithIssues);
    return {
      ...asked(range),
      implemented,
      outcomes: Object.values(ChangeOutcome).map((outcome) => ({ outcome, count: countOf(outcome) })),
      backedOut: rows.reduce((sum, row) => sum + row.backed_out, 0),
      successRate: ratio(succeeded, implemented),
    };
  }

  /** The changes raised in the period, by type, and the share of emergencies. */
  async emergencyRatio(query: ChangeReportQuery): Promise<ChangeEmergencyRatioReport> {
    const range = period(query);
    const rows: Array<{ type: ChangeType; count: number }> = await this.dataSource.query(
      `SELECT c.type, count(*)::int AS count
       FROM ${this.table(Change)} c
       WHERE c.created_at >= $1 AND c.created_at < $2
       GROUP BY c.type`,
      [range.from, range.to],
    );
    const countOf = (type: ChangeType): number => rows.find((row) => row.type === type)?.count ?? 0;
    const total = rows.reduce((sum, row) => sum + row.count, 0);
    return {
      ...asked(range),
      total,
      types: Object.values(ChangeType).map((type) => ({ type, count: countOf(type) })),
      emergencyRatio: ratio(countOf(ChangeType.Emergency), total),
    };
  }

  /**
   * Of the changes implemented in the period, those followed by incidents: an incident counts for a change when it
   * was opened on one of the change's CIs from `implementedAt` to `CHANGE_INCIDENT_WINDOW_HOURS` later (the end
   * excluded). The changes with the most incidents first (then by number), up to `limit`.
   */
  async causedIncidents(query: ChangeTopReportQuery): Promise<ChangeCausedIncidentsReport> {
    const range = period(query);
    const limit = query.limit ?? DEFAULT_REPORT_ROWS;
    const windowHours = this.config.CHANGE_INCIDENT_WINDOW_HOURS;
    const followed = `
      SELECT c.id, c.number, c.title, c.outcome, c.implemented_at, o.incident_id, o.opened_at
      FROM ${this.table(Change)} c
      LEFT JOIN ${this.table(IncidentObservation)} o
        ON o.ci_ids && c.ci_ids
       AND o.opened_at >= c.implemented_at
       AND o.opened_at < c.implemented_at + make_interval(hours => $3)
      WHERE c.implemented_at >= $1 AND c.implemented_at < $2`;
    const [totals]: Array<{ implemented: number; with_incidents: number; incidents: number }> = await this.dataSource.query(
      `WITH followed AS (${followed})
       SELECT count(DISTINCT id)::int AS implemented,
              count(DISTINCT id) FILTER (WHERE incident_id IS NOT NULL)::int AS with_incidents,
              count(DISTINCT incident_id)::int AS incidents
       FROM followed`,
      [range.from, range.to, windowHours],
    );
    const top: Array<{ id: string; number: string; title: string; outcome: ChangeOutcome | null; implemented_at: Date; incident_ids: string[] }> = await this.dataSource.query(
      `WITH followed AS (${followed})
       SELECT id, number, title, outcome, implemented_at, array_agg(incident_id ORDER BY opened_at, incident_id) AS incident_ids
       FROM followed
       WHERE incident_id IS NOT NULL
       GROUP BY id, number, title, outcome, implemented_at
       ORDER BY count(*) DESC, number
       LIMIT $4`,
      [range.from, range.to, windowHours, limit],
    );
    const implemented = totals?.implemented ?? 0;
    const withIncidents = totals?.with_incidents ?? 0;
    return {
      ...asked(range),
      implemented,
      withIncidents,
      incidents: totals?.incidents ?? 0,
      ratio: ratio(withIncidents, implemented),
      windowHours,
      top: top.map((row) => ({
        changeId: row.id,
        number: row.number,
        title: row.title,
        outcome: row.outcome,
        implementedAt: new Date(row.implemented_at).toISOString(),
        incidentIds: row.incident_ids,
      })),
    };
  }
}

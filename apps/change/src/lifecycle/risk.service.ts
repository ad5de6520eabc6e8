import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  ALWAYS_CALENDAR_ID,
  ChangeOutcome,
  type ChangeRisk,
  ChangeState,
  ChangeType,
  CmdbErrorCode,
  ImpactDirection,
  type ImpactResult,
  ImpactRpc,
  SlaRpc,
} from '@itsm/contracts';
import { RpcClient, RpcError } from '@itsm/messaging';
import { SERVICE_CONFIG } from '@itsm/runtime';
import type { ChangeConfig } from '../config';
import { unknownCis } from '../changes/change-cis';
import { Change } from '../changes/change.entity';
import { assessRisk, DEFAULT_RISK_WEIGHTS, parseRiskWeights, type RiskWeights } from '../domain/risk';

const HOUR_MS = 3_600_000;

/** The states in which a change's risk still follows its CIs and window (before implementation starts). */
const REASSESSED_STATES: readonly ChangeState[] = [ChangeState.New, ChangeState.Assess, ChangeState.Authorize, ChangeState.Scheduled];

const unique = (ids: readonly string[]): string[] => [...new Set(ids)];

/**
 * The risk of a change, from what the CMDB says of its CIs (criticality, the business services relying on them),
 * the SLA calendar (is the window inside business hours), its window and the outcomes of past changes on the same
 * CIs. It also keeps the change's impact set (the CIs within CHANGE_CONFLICT_DEPTH hops upstream and downstream),
 * which the schedule check compares between changes. The CMDB and SLA services are asked as the caller.
 */
@Injectable()
export class ChangeRiskService {
  private readonly weights: RiskWeights;
  private readonly conflictDepth: number;
  private readonly businessCalendar: string;

  constructor(
    @Inject(SERVICE_CONFIG) config: ChangeConfig,
    private readonly rpc: RpcClient,
  ) {
    this.weights = config.CHANGE_RISK_WEIGHTS === '' ? DEFAULT_RISK_WEIGHTS : parseRiskWeights(config.CHANGE_RISK_WEIGHTS);
    this.conflictDepth = config.CHANGE_CONFLICT_DEPTH;
    this.businessCalendar = config.CHANGE_BUSINESS_CALENDAR.toLowerCase();
  }

  /**
   * Assesses the change's risk now and writes it onto the row (`risk`, `riskLevel`, and the impact set as
   * `impactCiIds`); the caller saves the row. CIs the CMDB does not know are refused with 422 `CHANGE_UNKNOWN_CIS`.
   */
  async assess(manager: EntityManager, change: Change): Promise<ChangeRisk> {
    const now = new Date();
    const { upstream } = await this.refreshImpact(change);
    const windowHours = (change.plannedEnd.getTime() - change.plannedStart.getTime()) / HOUR_MS;
    const [insideBusinessHours, pastChanges] = await Promise.all([this.insideBusinessHours(change), this.pastChanges(manager, change)]);
    const assessment = assessRisk(
      {
        type: change.type,
        cis: upstream?.roots.map((root) => ({ id: root.id, criticality: root.criticality })) ?? [],
        services: upstream?.businessServices.map((service) => ({ id: service.id, criticality: service.criticality })) ?? [],
        insideBusinessHours,
        windowHours,
        pastChanges,
      },
      this.weights,
    );
    const risk: ChangeRisk = { level: assessment.level, score: assessment.score, factors: assessment.factors, assessedAt: now.toISOString() };
    change.risk = risk;
    change.riskLevel = risk.level;
    return risk;
  }

  /**
   * After the CIs or the window of a change changed: refreshes its impact set, and reassesses its risk when it has
   * one and implementation has not started. Answers the new risk (the caller announces it with risk_assessed), or
   * null when the risk was not reassessed. The caller saves the row.
   */
  async reassess(manager: EntityManager, change: Change): Promise<ChangeRisk | null> {
    if (!REASSESSED_STATES.includes(change.state)) return null;
    if (change.risk !== null && change.type !== ChangeType.Standard) return this.assess(manager, change);
    await this.refreshImpact(change);
    return null;
  }

  /**
   * Asks the CMDB about the change's CIs: upstream as far as the business services (the default depth), and
   * downstream within the conflict depth; the CIs reached within the conflict depth either way are its impact set.
   */
  private async refreshImpact(change: Change): Promise<{ upstream: ImpactResult | null }> {
    const ciIds = unique(change.ciIds);
    if (ciIds.length === 0) {
      change.impactCiIds = [];
      return { upstream: null };
    }
    const [upstream, downstream] = await Promise.all([
      this.analyze({ ciIds, direction: ImpactDirection.Upstream }),
      this.analyze({ ciIds, direction: ImpactDirection.Downstream, depth: this.conflictDepth }),
    ]);
    const near = [...upstream.items, ...downstream.items].filter((item) => item.depth <= this.conflictDepth).map((item) => item.ci.id);
    change.impactCiIds = unique(near)
      .filter((id) => !ciIds.includes(id))
      .sort();
    return { upstream };
  }

  private async analyze(request: { ciIds: string[]; direction: ImpactDirection; depth?: number }): Promise<ImpactResult> {
    try {
      return await this.rpc.call(ImpactRpc.analyze, request);
    } catch (error) {
      if (!(error instanceof RpcError) || error.reason !== CmdbErrorCode.ImpactCiNotFound) throw error;
      const missing = new Set(((error.details as { missing?: string[] } | undefined)?.missing ?? []).map((id) => id.toLowerCase()));
      throw unknownCis(request.ciIds.filter((id) => missing.has(id.toLowerCase())));
    }
  }

  /** Whether any of the window is business time on CHANGE_BUSINESS_CALENDAR (every hour is, on 24x7). */
  private async insideBusinessHours(change: Change): Promise<boolean> {
    if (this.businessCalendar === ALWAYS_CALENDAR_ID) return true;
    const { businessSeconds } = await this.rpc.call(SlaRpc.businessTimeBetween, {
      id: this.businessCalendar,
      start: change.plannedStart.toISOString(),
      end: change.plannedEnd.toISOString(),
    });
    return businessSeconds > 0;
  }

  /** Other changes on any of the same CIs that were implemented, and how many of them failed. */
  private async pastChanges(manager: EntityManager, change: Change): Promise<{ implemented: number; failed: number }> {
    if (change.ciIds.length === 0) return { implemented: 0, failed: 0 };
    const [row] = await manager
      .createQueryBuilder(Change, 'c')
      .select('count(*)::int', 'implemented')
      .addSelect(`count(*) FILTER (WHERE c.outcome = :failed)::int`, 'failed')
      .where('c.ci_ids && :ciIds::uuid[]', { ciIds: unique(change.ciIds) })
      .andWhere('c.id <> :id', { id: change.id })
      .andWhere('c.outcome IS NOT NULL')
      .setParameter('failed', ChangeOutcome.Failed)
      .getRawMany<{ implemented: number; failed: number }>();
    return { implemented: row?.implemented ?? 0, failed: row?.failed ?? 0 };
  }
}

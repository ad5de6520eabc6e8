import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { type EntityManager, In } from 'typeorm';
import {
  DetectionScope,
  Impact,
  type IncidentView,
  OPEN_PROBLEM_STATES,
  parsePriorityMatrix,
  type PriorityMatrix,
  priorityOf,
  type ProblemDetection,
  ProblemEvents,
  ProblemLinkSource,
  ProblemState,
  type ProblemView,
  Urgency,
} from '@itsm/contracts';
import { eventOf, type EventSpec, SYSTEM_ACTOR } from '@itsm/messaging';
import { nextHumanNumber, PgErrorCode, pgErrorCode } from '@itsm/persistence';
import { SERVICE_CONFIG } from '@itsm/runtime';
import type { ProblemConfig } from '../config';
import { crossed, type DetectionPattern, type DetectionRuleSpec, type IncidentObservation as Observation, normalizeCategory, patternsOf } from '../domain/detection';
import { LinksService } from '../links/links.service';
import { ProblemIncident } from '../links/problem-incident.entity';
import { Problem } from '../problems/problem.entity';
import { ProblemWriter } from '../problems/problem.writer';
import { DetectionRule } from './detection-rule.entity';
import { IncidentObservation } from './incident-observation.entity';

/** Advisory locks of detection keys live in their own namespace (the first key of the two-key lock). */
const LOCK_NAMESPACE = 'itsm:problem:detection';
const OPEN_DETECTION_KEY = 'problems_open_detection_key';
/** A candidate is opened as a medium problem (impact 2, urgency 2): how much the pattern matters is for the agent who accepts it to judge. */
const CANDIDATE_IMPACT = Impact.Medium;
const CANDIDATE_URGENCY = Urgency.Medium;

interface MemberRow {
  incident_id: string;
  version: number;
  number: string;
  category: string | null;
  ci_ids: string[];
  service_id: string | null;
  created_at: Date;
}

function specOf(rule: DetectionRule): DetectionRuleSpec {
  return { id: rule.id, scope: rule.scope, serviceId: rule.serviceId, category: rule.category, threshold: rule.threshold, windowHours: rule.windowHours, enabled: rule.enabled };
}

function observationOf(row: MemberRow): Observation {
  return { incidentId: row.incident_id, version: row.version, createdAt: new Date(row.created_at).getTime(), category: row.category, ciIds: row.ci_ids, serviceId: row.service_id };
}

/**
 * Detection of recurring incidents. Each incident event is a version of the incident; the latest version of each is
 * kept as its observation, and each new one is counted against the enabled rules for every pattern it falls under.
 * A pattern that crosses a rule's threshold opens a candidate problem with every matching incident linked, or, when
 * an open problem already holds the pattern, has its new incidents linked to that problem.
 *
 * Which incidents count for a pattern: its observations that are not linked to any problem other than the open
 * problem of the pattern (if there is one). An incident another problem explains (open, or resolved, closed or
 * canceled, such as a candidate a manager rejected) neither makes a new candidate nor is linked again.
 *
 * One candidate per pattern, whoever sees it: the keys of the patterns are locked (transaction advisory locks, in
 * key order) before their incidents are read, so two events of one pattern handled at once, by one replica or two,
 * are counted one after the other, the second seeing what the first wrote; and the unique index of open detection
 * keys stands behind the lock.
 */
@Injectable()
export class Detector {
  private readonly matrix: PriorityMatrix;
  /** The rules each open transaction read (see {@link enabledRules}); an entry goes with its transaction's manager. */
  private readonly rulesRead = new WeakMap<EntityManager, Promise<DetectionRule[]>>();

  constructor(
    private readonly problems: ProblemWriter,
    private readonly links: LinksService,
    @Inject(SERVICE_CONFIG) config: ProblemConfig,
  ) {
    this.matrix = parsePriorityMatrix(config.PRIORITY_MATRIX);
  }

  /** Applies one version of an incident, in the transaction of the event's inbox row. */
  async observe(manager: EntityManager, incident: IncidentView): Promise<void> {
    if (!(await this.keep(manager, incident))) return;
    const observation: Observation = {
      incidentId: incident.id,
      version: incident.version,
      createdAt: new Date(incident.createdAt).getTime(),
      category: normalizeCategory(incident.category),
      ciIds: incident.ciIds,
      serviceId: incident.serviceId,
    };
    const rules = await this.enabledRules(manager);
    const matches = rules.flatMap((rule) => patternsOf(specOf(rule), observation).map((pattern) => ({ rule, pattern })));
    const keys = [...new Set(matches.map((match) => match.pattern.key))].sort();
    for (const key of keys) await manager.query(`SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))`, [LOCK_NAMESPACE, key]);
    for (const { rule, pattern } of matches) await this.evaluate(manager, rule, pattern);
  }

  /**
   * The enabled rules, read once per transaction: the consumer applies a batch of events in one, and nothing in it
   * changes rules, so every incident of the batch is counted against the same ones.
   */
  private enabledRules(manager: EntityManager): Promise<DetectionRule[]> {
    const inTransaction = manager.queryRunner?.isTransactionActive === true;
    const read = inTransaction ? this.rulesRead.get(manager) : undefined;
    if (read) return read;
    const reading = manager.find(DetectionRule, { where: { enabled: true }, order: { name: 'ASC', id: 'ASC' } });
    if (inTransaction) this.rulesRead.set(manager, reading);
    return reading;
  }

  /**
   * Keeps this version of the incident as its observation if it is newer than the one kept. False when it is not (an
   * older version arriving late, or the same version again): nothing changes, nothing is counted again.
   */
  private async keep(manager: EntityManager, incident: IncidentView): Promise<boolean> {
    const table = manager.connection.getMetadata(IncidentObservation).tablePath;
    const kept: unknown[] = await manager.query(
      `INSERT INTO ${table} AS o (incident_id, version, number, category, ci_ids, service_id, state, created_at, resolution_code, resolved_at)
       VALUES ($1, $2, $3, $4, $5::uuid[], $6, $7, $8, $9, $10)
       ON CONFLICT (incident_id) DO UPDATE SET
         version = EXCLUDED.version, number = EXCLUDED.number, category = EXCLUDED.category, ci_ids = EXCLUDED.ci_ids,
         service_id = EXCLUDED.service_id, state = EXCLUDED.state, created_at = EXCLUDED.created_at,
         resolution_code = EXCLUDED.resolution_code, resolved_at = EXCLUDED.resolved_at
       WHERE o.version < EXCLUDED.version
       RETURNING incident_id`,
      [
        incident.id,
        incident.version,
        incident.number,
        normalizeCategory(incident.category),
        [...new Set(incident.ciIds)],
        incident.serviceId,
        incident.state,
        new Date(incident.createdAt),
        incident.resolutionCode,
        incident.resolvedAt ? new Date(incident.resolvedAt) : null,
      ],
    );
    return kept.length > 0;
  }

  /**
   * Counts one pattern against one rule (its key locked by the caller), and opens or extends its problem when it
   * crossed. Locks are taken in the order manual linking takes them (the problem's row, then the link locks of the
   * incidents), and the incidents are read again once their link locks are held, so that an agent linking one of
   * them to another problem at the same moment is either seen or waits.
   */
  private async evaluate(manager: EntityManager, rule: DetectionRule, pattern: DetectionPattern): Promise<void> {
    const found = await manager.findOne(Problem, { where: { detectionKey: pattern.key, state: In([...OPEN_PROBLEM_STATES]) } });
    const open = found ? await this.problems.lock(manager, found.id) : null;
    if (open && !OPEN_PROBLEM_STATES.includes(open.state)) {
      // Closed or canceled while this transaction waited for its row: the pattern has no open problem now.
      await this.evaluate(manager, rule, pattern);
      return;
    }
    const locked = new Set<string>();
    for (;;) {
      const members = await this.members(manager, rule, pattern, open?.id ?? null);
      const incidentIds = crossed(specOf(rule), pattern.key, members.map(observationOf));
      if (!incidentIds) return;
      const unlocked = incidentIds.filter((id) => !locked.has(id));
      if (unlocked.length > 0) {
        await this.links.lockIncidents(manager, unlocked);
        for (const id of unlocked) locked.add(id);
        continue;
      }
      if (open) {
        await this.link(manager, open, incidentIds);
        return;
      }
      // The key lock makes a second candidate for the pattern impossible; should one appear anyway, the unique index
      // refuses it, and the incidents go to the problem that is there.
      await manager.query(`SAVEPOINT detection_candidate`);
      try {
        await this.openCandidate(manager, rule, pattern, members.filter((member) => incidentIds.includes(member.incident_id)));
        await manager.query(`RELEASE SAVEPOINT detection_candidate`);
      } catch (error) {
        const constraint = (error as { driverError?: { constraint?: string } }).driverError?.constraint;
        if (pgErrorCode(error) !== PgErrorCode.uniqueViolation || constraint !== OPEN_DETECTION_KEY) throw error;
        await manager.query(`ROLLBACK TO SAVEPOINT detection_candidate`);
        await this.evaluate(manager, rule, pattern);
      }
      return;
    }
  }

  /**
   * The observations of a pattern that count: of its CI (or service) and category, within the rule's service filter,
   * not linked to a problem other than `openId`, created within the rule's window before the newest of them (the
   * window {@link crossed} applies; reading only that far keeps a long history out of memory).
   */
  private async members(manager: EntityManager, rule: DetectionRule, pattern: DetectionPattern, openId: string | null): Promise<MemberRow[]> {
    const observations = manager.connection.getMetadata(IncidentObservation).tablePath;
    const links = manager.connection.getMetadata(ProblemIncident).tablePath;
    const params: unknown[] = [pattern.category, openId, rule.windowHours];
    const conditions = ['o.category = $1'];
    if (pattern.scope === DetectionScope.Ci) {
      params.push(pattern.ciId);
      conditions.push(`o.ci_ids @> ARRAY[$${params.length}::uuid]`);
    } else {
      params.push(pattern.serviceId);
      conditions.push(`o.service_id = $${params.length}`);
    }
    if (rule.serviceId !== null) {
      params.push(rule.serviceId);
      conditions.push(`o.service_id = $${params.length}`);
    }
    return manager.query(
      `WITH members AS (
         SELECT o.incident_id, o.version, o.number, o.category, o.ci_ids, o.service_id, o.created_at
         FROM ${observations} o
         WHERE ${conditions.join(' AND ')}
           AND NOT EXISTS (SELECT 1 FROM ${links} l WHERE l.incident_id = o.incident_id AND l.problem_id IS DISTINCT FROM $2::uuid)
       )
       SELECT * FROM members WHERE created_at >= (SELECT max(created_at) FROM members) - make_interval(hours => $3::int)
       ORDER BY created_at, incident_id`,
      params,
    );
  }

  /** Opens the candidate problem of a pattern, with its incidents linked, announcing it created, each link, and the detection. */
  private async openCandidate(manager: EntityManager, rule: DetectionRule, pattern: DetectionPattern, members: MemberRow[]): Promise<void> {
    const now = new Date();
    const target = pattern.ciId ?? pattern.serviceId ?? '';
    const incidentIds = members.map((member) => member.incident_id).sort();
    const detection: ProblemDetection = { ruleId: rule.id, ruleName: rule.name, scope: pattern.scope, ciId: pattern.ciId, serviceId: pattern.serviceId, category: pattern.category };
    const problem = manager.create(Problem, {
      id: randomUUID(),
      number: await nextHumanNumber(manager, 'problem', 'problem_number_seq', 'PRB'),
      title: `Recurring: ${pattern.category} on ${target}`.slice(0, 200),
      description: `${members.length} incidents of category ${pattern.category} on ${pattern.scope === DetectionScope.Ci ? 'CI' : 'service'} ${target} within ${rule.windowHours} hours (rule "${rule.name}"): ${members.map((member) => member.number).join(', ')}.`,
      category: pattern.category,
      serviceId: pattern.serviceId,
      ciIds: pattern.ciId ? [pattern.ciId] : [],
      impact: CANDIDATE_IMPACT,
      urgency: CANDIDATE_URGENCY,
      priority: priorityOf(CANDIDATE_IMPACT, CANDIDATE_URGENCY, this.matrix),
      assignmentGroup: null,
      assigneeId: null,
      incidentIds,
      changeIds: [],
      rootCause: null,
      causeCategory: null,
      workaround: null,
      state: ProblemState.New,
      resolutionCode: null,
      resolution: null,
      cancelReason: null,
      detected: true,
      detectionKey: pattern.key,
      detectionRuleId: rule.id,
      detectionRuleName: rule.name,
      detectionScope: pattern.scope,
      detectionCiId: pattern.ciId,
      detectionServiceId: pattern.serviceId,
      detectionCategory: pattern.category,
      knownErrorId: null,
      knownErrorNumber: null,
      knownErrorState: null,
      openedById: SYSTEM_ACTOR,
      rootCauseIdentifiedAt: null,
      resolvedAt: null,
      closedAt: null,
      canceledAt: null,
      createdAt: now,
      updatedAt: now,
      version: 1,
    });
    await this.problems.insert(manager, problem, {
      actorId: SYSTEM_ACTOR,
      action: 'detected',
      events: (view) => [
        eventOf(ProblemEvents.created, { problem: view }),
        ...linkedEvents(view, incidentIds),
        eventOf(ProblemEvents.candidateDetected, { problem: view, detection, incidentIds }),
      ],
    });
    await this.insertLinks(manager, problem.id, incidentIds, now);
  }

  /** Links to the open problem of the pattern (locked) those of `incidentIds` it does not hold yet, one link at a time as an agent's would be. */
  private async link(manager: EntityManager, problem: Problem, incidentIds: readonly string[]): Promise<void> {
    const time = new Date();
    for (const incidentId of incidentIds) {
      if (!problem.incidentIds.includes(incidentId)) await this.links.linkWithin(manager, problem, incidentId, { source: ProblemLinkSource.Detected, actorId: SYSTEM_ACTOR, time });
    }
  }

  private async insertLinks(manager: EntityManager, problemId: string, incidentIds: readonly string[], linkedAt: Date): Promise<void> {
    await manager.insert(
      ProblemIncident,
      incidentIds.map((incidentId) => ({ problemId, incidentId, source: ProblemLinkSource.Detected, linkedById: SYSTEM_ACTOR, linkedAt })),
    );
  }
}

function linkedEvents(problem: ProblemView, incidentIds: readonly string[]): EventSpec[] {
  return incidentIds.map((incidentId) => eventOf(ProblemEvents.incidentLinked, { problem, incidentId, source: ProblemLinkSource.Detected }));
}

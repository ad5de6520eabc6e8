import { Priority, priorityRank, raisePriority, type SlaMetric } from '@itsm/contracts';

/**
 * One escalation rule: when an SLA clock of an incident warns or breaches, and the conditions hold, raise the
 * priority, hand it to an escalation group and/or have the managers notified. The first matching rule applies.
 */
export interface EscalationRule {
  on: 'warning' | 'breached';
  /** Only for this metric; both when absent. */
  metric?: SlaMetric;
  /** For warnings: only from this threshold (percent) up. */
  minThresholdPercent?: number;
  /** Only for incidents of these priorities. */
  priorities?: Priority[];
  /** Levels to raise the priority by (never beyond P1). */
  raisePriorityBy?: number;
  /** Assignment group to hand the incident to. */
  reassignTo?: string;
  notifyManager?: boolean;
}

export interface EscalationTrigger {
  on: 'warning' | 'breached';
  metric: SlaMetric;
  thresholdPercent?: number;
}

/** The escalation as the incident's audit trail keeps it, beside the incident as it became. */
export interface EscalationRecord {
  trigger: 'warning' | 'breached';
  metric: SlaMetric;
  /** Index of the rule applied (0-based, in configuration order). */
  rule: number;
  notifyManager: boolean;
  /** The SLA clock that warned or breached. */
  clockId: string;
  thresholdPercent?: number;
}

export interface EscalationDecision {
  rule: number;
  priority?: Priority;
  assignmentGroup?: string;
  notifyManager: boolean;
}

/** Notify managers at 75 %; on a breach, also raise the priority one level. */
export const DEFAULT_ESCALATION_RULES: readonly EscalationRule[] = [
  { on: 'warning', minThresholdPercent: 75, notifyManager: true },
  { on: 'breached', raisePriorityBy: 1, notifyManager: true },
];

/** What to do for a trigger; undefined when no rule matches or the matching rule changes nothing. */
export function decideEscalation(rules: readonly EscalationRule[], trigger: EscalationTrigger, incident: { priority: Priority; assignmentGroup: string | null }): EscalationDecision | undefined {
  const index = rules.findIndex(
    (rule) =>
      rule.on === trigger.on &&
      (rule.metric === undefined || rule.metric === trigger.metric) &&
      (rule.minThresholdPercent === undefined || (trigger.thresholdPercent ?? 100) >= rule.minThresholdPercent) &&
      (rule.priorities === undefined || rule.priorities.includes(incident.priority)),
  );
  const rule = rules[index];
  if (!rule) return undefined;
  const raised = rule.raisePriorityBy ? raisePriority(incident.priority, rule.raisePriorityBy) : incident.priority;
  const decision: EscalationDecision = { rule: index, notifyManager: rule.notifyManager ?? false };
  if (priorityRank(raised) < priorityRank(incident.priority)) decision.priority = raised;
  if (rule.reassignTo && rule.reassignTo !== incident.assignmentGroup) decision.assignmentGroup = rule.reassignTo;
  return decision.priority || decision.assignmentGroup || decision.notifyManager ? decision : undefined;
}

const PRIORITIES = new Set<string>(Object.values(Priority));

/** Reads `INCIDENT_ESCALATION_RULES` (a JSON array of rules); throws a message naming the bad part. */
export function parseEscalationRules(json: string): EscalationRule[] {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new Error('must be a JSON array of escalation rules');
  }
  if (!Array.isArray(value)) throw new Error('must be a JSON array of escalation rules');
  return value.map((raw: unknown, i) => {
    const where = `rule ${i}`;
    if (typeof raw !== 'object' || raw === null) throw new Error(`${where} must be an object`);
    const rule = raw as Record<string, unknown>;
    const known = ['on', 'metric', 'minThresholdPercent', 'priorities', 'raisePriorityBy', 'reassignTo', 'notifyManager'];
    const unknown = Object.keys(rule).filter((key) => !known.includes(key));
    if (unknown.length > 0) throw new Error(`${where} has unknown fields: ${unknown.join(', ')}`);
    if (rule.on !== 'warning' && rule.on !== 'breached') throw new Error(`${where}: on must be warning or breached`);
    if (rule.metric !== undefined && rule.metric !== 'response' && rule.metric !== 'resolution') throw new Error(`${where}: metric must be response or resolution`);
    const isInt = (v: unknown, min: number, max: number): boolean => typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
    if (rule.minThresholdPercent !== undefined && !isInt(rule.minThresholdPercent, 1, 100)) throw new Error(`${where}: minThresholdPercent must be 1..100`);
    if (rule.raisePriorityBy !== undefined && !isInt(rule.raisePriorityBy, 0, 4)) throw new Error(`${where}: raisePriorityBy must be 0..4`);
    if (rule.priorities !== undefined && (!Array.isArray(rule.priorities) || rule.priorities.some((p) => typeof p !== 'string' || !PRIORITIES.has(p)))) {
      throw new Error(`${where}: priorities must be a list of P1..P5`);
    }
    if (rule.reassignTo !== undefined && (typeof rule.reassignTo !== 'string' || rule.reassignTo.length === 0)) throw new Error(`${where}: reassignTo must be a group name`);
    if (rule.notifyManager !== undefined && typeof rule.notifyManager !== 'boolean') throw new Error(`${where}: notifyManager must be true or false`);
    return rule as unknown as EscalationRule;
  });
}

export function escalationRecord(trigger: EscalationTrigger, decision: EscalationDecision, clockId: string): EscalationRecord {
  return {
    trigger: trigger.on,
    metric: trigger.metric,
    rule: decision.rule,
    notifyManager: decision.notifyManager,
    clockId,
    ...(trigger.on === 'warning' && trigger.thresholdPercent !== undefined ? { thresholdPercent: trigger.thresholdPercent } : {}),
  };
}

/**
 * The history entry of an escalation: what triggered it and which rule applied, so an escalation that only had the
 * managers notified still says what happened.
 */
export function escalationChange(record: EscalationRecord): { field: 'escalation'; from: null; to: Omit<EscalationRecord, 'clockId'> } {
  const { clockId: _clockId, ...shown } = record;
  return { field: 'escalation', from: null, to: shown };
}

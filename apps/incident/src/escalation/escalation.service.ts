import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { IncidentEvents, IncidentState, type SlaBreachedV1, type SlaWarningV1, diffFields } from '@itsm/contracts';
import { eventOf, SYSTEM_ACTOR } from '@itsm/messaging';
import { SERVICE_CONFIG } from '@itsm/runtime';
import type { IncidentConfig } from '../config';
import { reassign } from '../domain/assignment';
import { decideEscalation, type EscalationRule, type EscalationTrigger, escalationRecord, parseEscalationRules } from '../domain/escalation';
import { Incident, toIncidentView } from '../incidents/incident.entity';
import { IncidentWriter } from '../incidents/incident.writer';

const ESCALATING_STATES: readonly IncidentState[] = [IncidentState.New, IncidentState.InProgress, IncidentState.OnHold];

/**
 * Escalates incidents on the SLA service's warnings and breaches, by the rules in INCIDENT_ESCALATION_RULES: raise
 * the priority, hand over to an escalation group, notify managers (through the `escalated` event, which the
 * notification service turns into messages).
 */
@Injectable()
export class EscalationService {
  private readonly rules: EscalationRule[];

  constructor(
    private readonly writer: IncidentWriter,
    @Inject(SERVICE_CONFIG) config: IncidentConfig,
  ) {
    this.rules = parseEscalationRules(config.INCIDENT_ESCALATION_RULES);
  }

  /** Applies the first matching rule, in the transaction of the SLA event's inbox row. */
  async escalate(alert: SlaWarningV1 | SlaBreachedV1, trigger: EscalationTrigger, manager: EntityManager): Promise<void> {
    if (alert.ticketType !== 'incident') return;
    const incident = await manager.findOne(Incident, { where: { id: alert.ticketId }, lock: { mode: 'pessimistic_write' } });
    // A clock can warn about an incident resolved a moment ago; nothing to escalate then.
    if (!incident || !ESCALATING_STATES.includes(incident.state)) return;
    const decision = decideEscalation(this.rules, trigger, incident);
    if (!decision) return;
    const before = toIncidentView(incident);
    if (decision.priority) {
      incident.priority = decision.priority;
      incident.priorityOverridden = true;
    }
    const reassigned = decision.assignmentGroup ? reassign(incident, decision.assignmentGroup, null, new Date()) : undefined;
    if (reassigned) Object.assign(incident, reassigned.next);
    const escalation = escalationRecord(trigger, decision, alert.clockId);
    await this.writer.save(manager, incident, before, {
      actorId: SYSTEM_ACTOR,
      action: 'escalated',
      // The audit row keeps what happened beside the incident: an escalation that only notifies changes no field.
      auditAfter: (after) => ({ ...after, escalation }),
      events: (after) => [
        eventOf(IncidentEvents.escalated, {
          incident: after,
          trigger: escalation.trigger,
          metric: escalation.metric,
          clockId: escalation.clockId,
          ...(escalation.thresholdPercent !== undefined ? { thresholdPercent: escalation.thresholdPercent } : {}),
          rule: escalation.rule,
          notifyManager: escalation.notifyManager,
          changes: diffFields(before as never, after as never),
        }),
        ...(decision.priority
          ? [eventOf(IncidentEvents.priorityChanged, { incident: after, from: before.priority, to: after.priority, overridden: true, reason: `SLA ${trigger.on} (${trigger.metric})` })]
          : []),
        ...(reassigned ? [eventOf(IncidentEvents.assigned, { incident: after, ...reassigned.change })] : []),
      ],
    });
  }
}

import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { type CloudEvent, IncidentEvents, IncidentState, SlaEvents, type SlaWarningV1, type SlaBreachedV1 } from '@itsm/contracts';
import { OnEvent } from '@itsm/messaging';
import { decideEscalation, type EscalationRule, type EscalationTrigger, parseEscalationRules } from '../domain/escalation';
import { diffFields } from '../domain/field-changes';
import { IncidentWriter, eventOf, SYSTEM_ACTOR } from '../incidents/incident-writer';
import { Incident, toIncidentView } from '../incidents/incident.entity';
import { IncidentsService } from '../incidents/incidents.service';

const ESCALATING_STATES: readonly IncidentState[] = [IncidentState.New, IncidentState.InProgress, IncidentState.OnHold];

/**
 * Escalates incidents on the SLA service's warnings and breaches, by the rules in
 * INCIDENT_ESCALATION_RULES: raise the priority, hand over to an escalation group, notify managers (through
 * the `escalated` event, which the notification service turns into messages).
 */
@Injectable()
export class EscalationHandler {
  private readonly rules: EscalationRule[];

  constructor(
    private readonly writer: IncidentWriter,
    private readonly incidents: IncidentsService,
  ) {
    this.rules = parseEscalationRules(writer.config.INCIDENT_ESCALATION_RULES);
  }

  /** Durable consumer `incident-sla-warning`. */
  @OnEvent('sla-warning', SlaEvents.warning)
  async onWarning(event: CloudEvent<SlaWarningV1>, manager: EntityManager): Promise<void> {
    await this.escalate(event.data, { on: 'warning', metric: event.data.metric, thresholdPercent: event.data.thresholdPercent }, manager);
  }

  /** Durable consumer `incident-sla-breached`. */
  @OnEvent('sla-breached', SlaEvents.breached)
  async onBreach(event: CloudEvent<SlaBreachedV1>, manager: EntityManager): Promise<void> {
    await this.escalate(event.data, { on: 'breached', metric: event.data.metric }, manager);
  }

  private async escalate(alert: SlaWarningV1 | SlaBreachedV1, trigger: EscalationTrigger, manager: EntityManager): Promise<void> {
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
    const assignment = decision.assignmentGroup ? this.incidents.applyAssignment(incident, decision.assignmentGroup, null) : undefined;
    await this.writer.save(manager, incident, before, {
      actorId: SYSTEM_ACTOR,
      action: 'escalated',
      events: (after) => [
        eventOf(IncidentEvents.escalated, {
          incident: after,
          trigger: trigger.on,
          metric: trigger.metric,
          clockId: alert.clockId,
          ...(trigger.thresholdPercent !== undefined && trigger.on === 'warning' ? { thresholdPercent: trigger.thresholdPercent } : {}),
          rule: decision.rule,
          notifyManager: decision.notifyManager,
          changes: diffFields(before as never, after as never),
        }),
        ...(decision.priority
          ? [eventOf(IncidentEvents.priorityChanged, { incident: after, from: before.priority, to: after.priority, overridden: true, reason: `SLA ${trigger.on} (${trigger.metric})` })]
          : []),
        ...(assignment ? [eventOf(IncidentEvents.assigned, { incident: after, ...assignment })] : []),
      ],
    });
  }
}

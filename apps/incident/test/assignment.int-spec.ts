import { randomUUID } from 'node:crypto';
import {
  CommonErrorCode,
  ErrorCode,
  Impact,
  IncidentErrorCode,
  IncidentEvents,
  type IncidentEscalatedV1,
  IncidentRpc,
  IncidentState,
  Priority,
  type RoutingRuleView,
  SlaEvents,
  Urgency,
} from '@itsm/contracts';
import { alice, maria, sam, waitFor } from '@itsm/testing';
import { IncidentHarness, RESOLVE } from './support/incident-harness';

const VPN_SERVICE = '0d3c2b1a-9f8e-4d7c-8b6a-5f4e3d2c1b0a';

describe('priority, assignment and escalation of incidents', () => {
  let h: IncidentHarness;

  beforeAll(async () => {
    h = await IncidentHarness.start({
      PRIORITY_MATRIX: 'P1,P2,P3;P2,P3,P4;P3,P4,P5',
      INCIDENT_ESCALATION_RULES: JSON.stringify([
        { on: 'warning', minThresholdPercent: 75, notifyManager: true },
        { on: 'breached', metric: 'resolution', raisePriorityBy: 1, reassignTo: 'major-incident-team', notifyManager: true },
        { on: 'breached', metric: 'response', raisePriorityBy: 1 },
      ]),
    });
  });

  afterAll(async () => {
    await h.stop();
  });

  describe('priority matrix', () => {
    it.each([
      [Impact.High, Urgency.High, Priority.P1],
      [Impact.High, Urgency.Medium, Priority.P2],
      [Impact.High, Urgency.Low, Priority.P3],
      [Impact.Medium, Urgency.High, Priority.P2],
      [Impact.Medium, Urgency.Medium, Priority.P3],
      [Impact.Medium, Urgency.Low, Priority.P4],
      [Impact.Low, Urgency.High, Priority.P3],
      [Impact.Low, Urgency.Medium, Priority.P4],
      [Impact.Low, Urgency.Low, Priority.P5],
    ])('stores and announces impact %i with urgency %i as %s', async (impact, urgency, priority) => {
      const created = await h.open(alice, { impact, urgency });
      expect(created.priority).toBe(priority);
      await expect(h.row(created.id)).resolves.toMatchObject({ impact, urgency, priority, priority_overridden: false });
      const [event] = await h.events(IncidentEvents.created, created.id);
      expect(event?.data).toMatchObject({ impact, urgency, priority });
    });

    it('takes a manual priority only with a reason, audits it, and returns to the matrix when impact changes', async () => {
      const incident = await h.open(alice, { impact: Impact.Low, urgency: Urgency.Low });
      await expect(h.rpc.call(IncidentRpc.update, { id: incident.id, changes: { priority: Priority.P1 } }, { actor: sam })).rejects.toMatchObject({
        code: ErrorCode.VALIDATION,
        reason: IncidentErrorCode.PriorityReasonRequired,
        details: { errors: [expect.objectContaining({ field: 'priorityReason' })] },
      });
      const overridden = await h.rpc.call(IncidentRpc.update, { id: incident.id, changes: { priority: Priority.P1, priorityReason: 'CEO laptop' } }, { actor: sam });
      expect(overridden).toMatchObject({ priority: Priority.P1, priorityOverridden: true, version: 2 });
      const [changed] = await h.events(IncidentEvents.priorityChanged, incident.id);
      expect(changed?.data).toMatchObject({ from: Priority.P5, to: Priority.P1, overridden: true, reason: 'CEO laptop' });
      const history = await h.rpc.call(IncidentRpc.history, { id: incident.id }, { actor: sam });
      expect(history.items.at(-1)).toMatchObject({
        action: 'updated',
        actorId: 'sam',
        changes: expect.arrayContaining([{ field: 'priority', from: Priority.P5, to: Priority.P1 }, { field: 'priorityOverridden', from: false, to: true }]),
      });

      const rederived = await h.rpc.call(IncidentRpc.update, { id: incident.id, changes: { impact: Impact.Medium } }, { actor: sam });
      expect(rederived).toMatchObject({ priority: Priority.P4, priorityOverridden: false });
    });

    it('refuses impact 0 and 4 and writes nothing', async () => {
      const before = await h.count('incidents');
      for (const impact of [0, 4]) {
        await expect(h.open(alice, { impact: impact as Impact })).rejects.toMatchObject({ code: ErrorCode.VALIDATION, details: { errors: [expect.objectContaining({ field: 'impact' })] } });
      }
      await expect(h.count('incidents')).resolves.toBe(before);
    });
  });

  describe('routing rules', () => {
    let vpnRule: RoutingRuleView;

    beforeAll(async () => {
      vpnRule = await h.rpc.call(
        IncidentRpc.createRoutingRule,
        { name: 'VPN to network', position: 20, conditions: { keywords: ['vpn'] }, assignmentGroup: 'network-ops' },
        { actor: maria },
      );
      await h.rpc.call(IncidentRpc.createRoutingRule, { name: 'P1 of the VPN service', position: 10, conditions: { serviceIds: [VPN_SERVICE], priorities: [Priority.P1] }, assignmentGroup: 'major-incident-team' }, { actor: maria });
      await h.rpc.call(IncidentRpc.createRoutingRule, { name: 'Hardware', position: 30, conditions: { categories: ['hardware'] }, assignmentGroup: 'desktop-support' }, { actor: maria });
      await h.rpc.call(IncidentRpc.createRoutingRule, { name: 'Disabled catch-all', position: 0, enabled: false, conditions: {}, assignmentGroup: 'nobody' }, { actor: maria });
    });

    it('assigns a new incident to the group of the first matching rule and announces it', async () => {
      const vpn = await h.open(alice, { title: 'VPN keeps dropping', impact: Impact.High, urgency: Urgency.High, serviceId: VPN_SERVICE });
      expect(vpn.assignmentGroup).toBe('major-incident-team');
      const vpnLow = await h.open(alice, { title: 'VPN keeps dropping', impact: Impact.Low, urgency: Urgency.Low, serviceId: VPN_SERVICE });
      expect(vpnLow.assignmentGroup).toBe('network-ops');
      const printer = await h.open(alice, { title: 'Printer jams', category: 'Hardware' });
      expect(printer.assignmentGroup).toBe('desktop-support');
      const [assigned] = await h.events(IncidentEvents.assigned, printer.id);
      expect(assigned?.data).toMatchObject({ previousGroup: null, reassignment: false, incident: { assignmentGroup: 'desktop-support', reassignmentCount: 0 } });
      await expect(h.row(printer.id)).resolves.toMatchObject({ assignment_group: 'desktop-support' });
    });

    it('leaves an incident unassigned when no rule matches, and keeps an agent’s own choice', async () => {
      await expect(h.open(alice, { title: 'Coffee machine', category: 'facilities' })).resolves.toMatchObject({ assignmentGroup: null });
      await expect(h.open(sam, { title: 'VPN slow', assignmentGroup: 'service-desk' })).resolves.toMatchObject({ assignmentGroup: 'service-desk' });
    });

    it('applies edited rules to the next incident, honouring If-Match', async () => {
      await expect(
        h.rpc.call(IncidentRpc.updateRoutingRule, { id: vpnRule.id, expectedVersion: vpnRule.version + 1, name: vpnRule.name, position: 20, conditions: { keywords: ['vpn'] }, assignmentGroup: 'vpn-team' }, { actor: maria }),
      ).rejects.toMatchObject({ code: ErrorCode.PRECONDITION_FAILED });
      vpnRule = await h.rpc.call(
        IncidentRpc.updateRoutingRule,
        { id: vpnRule.id, expectedVersion: vpnRule.version, name: vpnRule.name, position: 20, conditions: { keywords: ['vpn'] }, assignmentGroup: 'vpn-team' },
        { actor: maria },
      );
      await expect(h.open(alice, { title: 'VPN certificate expired' })).resolves.toMatchObject({ assignmentGroup: 'vpn-team' });
      const list = await h.rpc.call(IncidentRpc.listRoutingRules, {}, { actor: sam });
      expect(list.items.map((rule) => rule.position)).toEqual([0, 10, 20, 30]);
    });

    it('reads one rule back for agents, and answers another id with NOT_FOUND', async () => {
      await expect(h.rpc.call(IncidentRpc.getRoutingRule, { id: vpnRule.id }, { actor: sam })).resolves.toEqual(vpnRule);
      await expect(h.rpc.call(IncidentRpc.getRoutingRule, { id: randomUUID() }, { actor: sam })).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND, reason: IncidentErrorCode.RoutingRuleNotFound });
      await expect(h.rpc.call(IncidentRpc.getRoutingRule, { id: vpnRule.id }, { actor: alice })).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
    });

    it('lets only managers change rules', async () => {
      await expect(h.rpc.call(IncidentRpc.createRoutingRule, { name: 'Mine', position: 1, conditions: {}, assignmentGroup: 'x' }, { actor: sam })).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
      await expect(h.rpc.call(IncidentRpc.listRoutingRules, {}, { actor: alice })).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
    });
  });

  describe('reassignment', () => {
    it('counts each change of an existing group or assignee, records the first response, and announces each', async () => {
      const incident = await h.open(alice, { title: 'Outlook crashes' });
      const first = await h.rpc.call(IncidentRpc.update, { id: incident.id, changes: { assignmentGroup: 'desktop-support' } }, { actor: sam });
      expect(first).toMatchObject({ reassignmentCount: 0, respondedAt: null });
      const second = await h.rpc.call(IncidentRpc.update, { id: incident.id, changes: { assignmentGroup: 'messaging', assigneeId: 'kim' } }, { actor: sam });
      expect(second).toMatchObject({ reassignmentCount: 1, assigneeId: 'kim' });
      expect(second.respondedAt).not.toBeNull();
      const third = await h.rpc.call(IncidentRpc.update, { id: incident.id, changes: { assigneeId: 'lee' } }, { actor: sam });
      expect(third).toMatchObject({ reassignmentCount: 2 });
      await expect(h.row(incident.id)).resolves.toMatchObject({ reassignment_count: 2, assignment_group: 'messaging', assignee_id: 'lee' });
      const assigned = await h.events(IncidentEvents.assigned, incident.id, 3);
      expect(assigned.map((e) => [e.data.previousGroup, e.data.previousAssigneeId, e.data.reassignment])).toEqual([
        [null, null, false],
        ['desktop-support', null, true],
        ['messaging', 'kim', true],
      ]);
    });

    it('lets only agents change fields, and nobody change a closed incident', async () => {
      const incident = await h.open(alice);
      await expect(h.rpc.call(IncidentRpc.update, { id: incident.id, changes: { title: 'Mine now' } }, { actor: alice })).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
      await h.move(incident.id, { to: IncidentState.InProgress });
      await h.move(incident.id, RESOLVE);
      await h.move(incident.id, { to: IncidentState.Closed });
      await expect(h.rpc.call(IncidentRpc.update, { id: incident.id, changes: { title: 'Too late' } }, { actor: sam })).rejects.toMatchObject({ code: ErrorCode.CONFLICT, reason: IncidentErrorCode.FinalState });
    });
  });

  describe('escalation on SLA events', () => {
    const alert = (ticketId: string) => ({
      clockId: '11111111-2222-4333-8444-555555555555',
      policyId: '66666666-7777-4888-8999-aaaaaaaaaaaa',
      policyName: 'P3 incidents',
      kind: 'sla' as const,
      ticketType: 'incident' as const,
      ticketId,
      dueAt: new Date().toISOString(),
      elapsedSeconds: 3600,
      targetSeconds: 4800,
    });

    it('raises the priority and hands a breached incident to the escalation group, once per event', async () => {
      const incident = await h.open(sam, { title: 'Payroll export fails', impact: Impact.Medium, urgency: Urgency.Medium, assignmentGroup: 'finance-apps', assigneeId: 'kim' });
      const eventId = await h.publish(SlaEvents.breached, incident.id, { ...alert(incident.id), metric: 'resolution' });
      const [escalated] = await h.events<IncidentEscalatedV1>(IncidentEvents.escalated, incident.id);
      expect(escalated?.data).toMatchObject({ trigger: 'breached', metric: 'resolution', rule: 1, notifyManager: true, incident: { priority: Priority.P2, assignmentGroup: 'major-incident-team', assigneeId: null } });
      expect(escalated?.causationid).toBe(eventId);
      await expect(h.row(incident.id)).resolves.toMatchObject({ priority: Priority.P2, assignment_group: 'major-incident-team', reassignment_count: 1 });
      await expect(h.events(IncidentEvents.priorityChanged, incident.id)).resolves.toEqual([expect.objectContaining({ data: expect.objectContaining({ from: Priority.P3, to: Priority.P2 }) })]);
      const history = await h.rpc.call(IncidentRpc.history, { id: incident.id }, { actor: sam });
      expect(history.items.at(-1)).toMatchObject({
        action: 'escalated',
        actorId: 'system',
        changes: expect.arrayContaining([
          { field: 'priority', from: Priority.P3, to: Priority.P2 },
          { field: 'assignmentGroup', from: 'finance-apps', to: 'major-incident-team' },
          { field: 'escalation', from: null, to: { trigger: 'breached', metric: 'resolution', rule: 1, notifyManager: true } },
        ]),
      });

      // JetStream delivers the same event again: applied once.
      await h.nc.jetstream().publish(SlaEvents.breached.subject, JSON.stringify({ ...escalatedEnvelope(eventId, incident.id) }));
      await expect(h.eventsNow(IncidentEvents.escalated, incident.id)).resolves.toHaveLength(1);
      await expect(h.row(incident.id)).resolves.toMatchObject({ priority: Priority.P2 });
    });

    it('notifies managers on a late warning without changing the incident', async () => {
      const incident = await h.open(alice, { impact: Impact.Low, urgency: Urgency.Low });
      await h.publish(SlaEvents.warning, incident.id, { ...alert(incident.id), metric: 'response', thresholdPercent: 50 });
      await h.publish(SlaEvents.warning, incident.id, { ...alert(incident.id), metric: 'response', thresholdPercent: 90 });
      const [escalated, ...more] = await h.events<IncidentEscalatedV1>(IncidentEvents.escalated, incident.id);
      expect(more).toHaveLength(0);
      expect(escalated?.data).toMatchObject({ trigger: 'warning', thresholdPercent: 90, notifyManager: true, changes: [], incident: { priority: Priority.P5 } });
      await expect(h.row(incident.id)).resolves.toMatchObject({ priority: Priority.P5 });
    });

    it('shows in the history what an escalation that only notifies did, and keeps it on the audit row', async () => {
      const incident = await h.open(alice, { impact: Impact.Low, urgency: Urgency.Low });
      await h.publish(SlaEvents.warning, incident.id, { ...alert(incident.id), metric: 'resolution', thresholdPercent: 80 });
      await h.events(IncidentEvents.escalated, incident.id);

      const history = await h.rpc.call(IncidentRpc.history, { id: incident.id }, { actor: sam });

      expect(history.items.at(-1)).toEqual({
        at: expect.any(String),
        actorId: 'system',
        action: 'escalated',
        changes: [{ field: 'escalation', from: null, to: { trigger: 'warning', metric: 'resolution', rule: 0, notifyManager: true, thresholdPercent: 80 } }],
      });
      const [audit] = await h.database.query<{ after: Record<string, unknown> }>(`SELECT after FROM incident.audit_log WHERE entity_id = $1 AND action = 'escalated'`, [incident.id]);
      expect(audit?.after).toMatchObject({
        id: incident.id,
        priority: Priority.P5,
        escalation: { trigger: 'warning', metric: 'resolution', rule: 0, notifyManager: true, clockId: alert(incident.id).clockId, thresholdPercent: 80 },
      });
    });

    it('ignores alerts about resolved incidents and about requests', async () => {
      const incident = await h.open(alice);
      await h.move(incident.id, { to: IncidentState.InProgress });
      await h.move(incident.id, RESOLVE);
      await h.publish(SlaEvents.breached, incident.id, { ...alert(incident.id), metric: 'resolution' });
      await h.publish(SlaEvents.breached, incident.id, { ...alert(incident.id), ticketType: 'request', metric: 'resolution' });
      await waitFor(async () => {
        const [row] = await h.database.query<{ n: number }>(`SELECT count(*)::int AS n FROM incident.inbox WHERE consumer = 'incident-sla-breached'`);
        return (row?.n ?? 0) >= 3;
      });
      await expect(h.eventsNow(IncidentEvents.escalated, incident.id)).resolves.toEqual([]);
      await expect(h.row(incident.id)).resolves.toMatchObject({ state: IncidentState.Resolved, priority: incident.priority });
    });
  });

  describe('major incidents', () => {
    it('lets a manager declare and withdraw, each with its own event, and refuses agents', async () => {
      const incident = await h.open(alice);
      await expect(h.rpc.call(IncidentRpc.setMajor, { id: incident.id, major: true, reason: 'All of payroll' }, { actor: sam })).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN, reason: CommonErrorCode.RoleRequired });
      await expect(h.rpc.call(IncidentRpc.setMajor, { id: incident.id, major: true, reason: 'All of payroll' }, { actor: maria })).resolves.toMatchObject({ major: true });
      await expect(h.rpc.call(IncidentRpc.setMajor, { id: incident.id, major: true, reason: 'again' }, { actor: maria })).rejects.toMatchObject({ code: ErrorCode.CONFLICT, reason: IncidentErrorCode.AlreadyMajor });
      const [declared] = await h.events(IncidentEvents.majorDeclared, incident.id);
      expect(declared?.data).toMatchObject({ reason: 'All of payroll', incident: { major: true } });
      await h.rpc.call(IncidentRpc.setMajor, { id: incident.id, major: false, reason: 'Only one site' }, { actor: maria });
      const [withdrawn] = await h.events(IncidentEvents.majorUndeclared, incident.id);
      expect(withdrawn?.data).toMatchObject({ reason: 'Only one site', incident: { major: false } });
      await expect(h.row(incident.id)).resolves.toMatchObject({ major: false, version: 3 });
    });
  });
});

/** The envelope of an already-published event, as JetStream would redeliver it. */
function escalatedEnvelope(id: string, ticketId: string): object {
  return {
    specversion: '1.0',
    id,
    source: 'itsm/sla',
    type: SlaEvents.breached.type,
    subject: ticketId,
    time: new Date().toISOString(),
    datacontenttype: 'application/json',
    correlationid: id,
    data: {
      clockId: '11111111-2222-4333-8444-555555555555',
      policyId: '66666666-7777-4888-8999-aaaaaaaaaaaa',
      policyName: 'P3 incidents',
      kind: 'sla',
      ticketType: 'incident',
      ticketId,
      dueAt: new Date().toISOString(),
      elapsedSeconds: 3600,
      targetSeconds: 4800,
      metric: 'resolution',
    },
  };
}

/** Service levels as users see them: the built gateway, incident and sla services as processes, real NATS and PostgreSQL. */
import {
  ClockAction,
  type ClockPage,
  ClockState,
  type ClockView,
  type CreatedIncidentView,
  HoldReason,
  Impact,
  IncidentState,
  type PolicyView,
  ResolutionCode,
  Role,
  SlaEvents,
  Urgency,
} from '@itsm/contracts';
import { mintToken, readEvents, waitFor } from '@itsm/testing';
import { GatewayClient, type Reply } from './client';
import { type RunningSuite, startSuite } from './suite';

const ada = mintToken({ sub: 'ada', name: 'Ada Admin', roles: [Role.Admin] });
const sam = mintToken({ sub: 'sam', name: 'Sam Agent', roles: [Role.Agent] });
const alice = mintToken({ sub: 'alice', name: 'Alice Smith', roles: [Role.Requester] });
const victor = mintToken({ sub: 'victor', name: 'Victor VIP', roles: [Role.Requester], groups: ['vip'] });


describe('SLA clocks of incidents worked through the gateway', () => {
  let suite: RunningSuite;
  let client: GatewayClient;

  beforeAll(async () => {
    suite = await startSuite(['incident', 'sla']);
    client = new GatewayClient(suite.baseUrl);
  }, 60_000);

  afterAll(async () => {
    await expect(suite.stop()).resolves.toEqual({ incident: 0, sla: 0, gateway: 0 });
  }, 30_000);

  /** The gateway's API with a JSON body as the last argument. */
  const call = <T = unknown>(method: string, path: string, token: string, body?: unknown): Promise<Reply<T>> => client.call<T>(method, path, token, { body });

  async function clocksWhen(ticket: string, ready: (clocks: ClockView[]) => boolean, what: string): Promise<ClockView[]> {
    return waitFor(
      async () => {
        const reply = await call<ClockPage>('GET', `/v1/sla/clocks?ticket=${ticket}`, sam);
        return reply.status === 200 && ready(reply.body.items) ? reply.body.items : undefined;
      },
      { what, timeoutMs: 15_000 },
    );
  }

  const resolution = (clocks: ClockView[]) => clocks.find((clock) => clock.kind === 'sla' && clock.metric === 'resolution');

  it('starts the clocks of a new incident, pauses them on hold, re-targets on a priority change and achieves them on resolution', async () => {
    const policy = await call<PolicyView>('POST', '/v1/sla/policies', ada, {
      name: 'Incidents',
      kind: 'sla',
      order: 100,
      conditions: { ticketTypes: ['incident'] },
      targets: [
        { metric: 'response', duration: 'PT4H' },
        { metric: 'resolution', duration: 'PT24H', durationByPriority: { P1: 'PT4H', P2: 'PT8H' }, pauseStates: ['on_hold'], pauseHoldReasons: ['awaiting_caller'], warnAt: [50, 75, 90] },
      ],
    });
    expect(policy.status).toBe(201);

    const opened = await call<CreatedIncidentView>('POST', '/v1/incidents', alice, { title: 'Mail client crashes on start', impact: Impact.Low, urgency: Urgency.Medium });
    expect(opened.status).toBe(201);
    const id = opened.body.id;
    const started = await clocksWhen(id, (clocks) => clocks.length === 2, 'two clocks');
    expect(started.map((clock) => [clock.metric, clock.state, clock.policyName])).toEqual(
      expect.arrayContaining([
        ['response', ClockState.Running, 'Incidents'],
        ['resolution', ClockState.Running, 'Incidents'],
      ]),
    );
    expect(resolution(started)?.targetSeconds).toBe(24 * 3600);

    expect((await call('POST', `/v1/incidents/${id}/transitions`, sam, { to: IncidentState.InProgress })).status).toBe(200);
    await clocksWhen(id, (clocks) => clocks.some((clock) => clock.metric === 'response' && clock.state === ClockState.Achieved), 'the response achieved');

    expect((await call('POST', `/v1/incidents/${id}/transitions`, sam, { to: IncidentState.OnHold, holdReason: HoldReason.AwaitingCaller })).status).toBe(200);
    const held = await clocksWhen(id, (clocks) => resolution(clocks)?.state === ClockState.Paused, 'the resolution clock paused');
    expect(resolution(held)).toMatchObject({ paused: true, dueAt: null });

    expect((await call('POST', `/v1/incidents/${id}/transitions`, sam, { to: IncidentState.InProgress })).status).toBe(200);
    await clocksWhen(id, (clocks) => resolution(clocks)?.state === ClockState.Running, 'the resolution clock running again');

    expect((await call('PATCH', `/v1/incidents/${id}`, sam, { impact: Impact.High, urgency: Urgency.High })).status).toBe(200);
    const retargeted = await clocksWhen(id, (clocks) => resolution(clocks)?.targetSeconds === 4 * 3600, 'the P1 target');
    expect(resolution(retargeted)?.history.map((entry) => entry.action)).toEqual([ClockAction.Started, ClockAction.Paused, ClockAction.Resumed, ClockAction.Retargeted]);

    const resolved = await call('POST', `/v1/incidents/${id}/transitions`, sam, { to: IncidentState.Resolved, resolutionCode: ResolutionCode.PermanentFix, resolutionNotes: 'Reinstalled the client.' });
    expect(resolved.status).toBe(200);
    const done = await clocksWhen(id, (clocks) => clocks.every((clock) => clock.state === ClockState.Achieved), 'both clocks achieved');
    expect(resolution(done)?.history.at(-1)).toMatchObject({ action: ClockAction.Stopped, reason: 'ticket resolved' });

    const recomputed = await call<{ differences: unknown[] }>('POST', `/v1/sla/clocks/recompute?ticket=${id}`, sam);
    expect(recomputed).toMatchObject({ status: 200, body: { differences: [] } });
    const achieved = await waitFor(
      async () => {
        const found = (await readEvents(suite.nc, SlaEvents.achieved.subject)).filter((message) => (message.body.data as { ticketId: string }).ticketId === id);
        return found.length === 2 ? found : undefined;
      },
      { what: 'two achieved events' },
    );
    expect(achieved.map((message) => (message.body.data as { metric: string }).metric).sort()).toEqual(['resolution', 'response']);
  });

  it('applies the policy of the caller’s group to an incident a VIP opens', async () => {
    const vip = await call<PolicyView>('POST', '/v1/sla/policies', ada, {
      name: 'VIP incidents',
      kind: 'sla',
      order: 10,
      conditions: { ticketTypes: ['incident'], callerGroups: ['vip'] },
      targets: [{ metric: 'resolution', duration: 'PT2H' }],
    });
    expect(vip.status).toBe(201);
    const opened = await call<CreatedIncidentView>('POST', '/v1/incidents', victor, { title: 'Laptop will not boot', impact: Impact.Low, urgency: Urgency.Low });
    expect(opened.body.callerGroups).toEqual(['vip']);
    const clocks = await clocksWhen(opened.body.id, (found) => found.some((clock) => clock.metric === 'resolution'), 'the VIP clock');
    expect(resolution(clocks)).toMatchObject({ policyName: 'VIP incidents', targetSeconds: 7200 });
  });
});

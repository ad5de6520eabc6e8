import { Impact, IncidentRpc, Priority, Urgency } from '@itsm/contracts';
import { alice, sam } from '@itsm/testing';
import { IncidentHarness } from './support/incident-harness';

describe('a configured priority matrix', () => {
  let h: IncidentHarness;

  beforeAll(async () => {
    h = await IncidentHarness.start({ PRIORITY_MATRIX: 'P1,P1,P2;P1,P2,P3;P2,P3,P4' });
  });

  afterAll(async () => {
    await h.stop();
  });

  it('derives priorities from PRIORITY_MATRIX instead of the ITIL default', async () => {
    await expect(h.open(alice, { impact: Impact.Medium, urgency: Urgency.High })).resolves.toMatchObject({ priority: Priority.P1 });
    const low = await h.open(alice, { impact: Impact.Low, urgency: Urgency.Low });
    expect(low.priority).toBe(Priority.P4);
    await expect(h.row(low.id)).resolves.toMatchObject({ priority: Priority.P4 });
  });

  it('re-derives with the same matrix when urgency changes', async () => {
    const incident = await h.open(alice, { impact: Impact.Low, urgency: Urgency.Low });
    await expect(h.rpc.call(IncidentRpc.update, { id: incident.id, changes: { urgency: Urgency.High } }, { actor: sam })).resolves.toMatchObject({ priority: Priority.P2 });
  });
});

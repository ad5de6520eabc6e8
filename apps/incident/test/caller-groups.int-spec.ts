import {
  type Actor,
  ApprovalType,
  CatalogRpc,
  ErrorCode,
  IncidentErrorCode,
  IncidentEvents,
  IncidentRpc,
  RequestEvents,
  RequestRpc,
  RequestState,
  Role,
  type ServiceRequestView,
} from '@itsm/contracts';
import { buildCatalogItem, buildSubmitRequest, sam } from '@itsm/testing';
import { IncidentHarness, viewOf } from './support/incident-harness';

const vera: Actor = { sub: 'vera', name: 'Vera Important', roles: [Role.Requester], groups: ['vip'] };
const admin: Actor = { sub: 'ada', roles: [Role.Admin] };

function fieldsOf(error: unknown): string[] {
  return ((error as { details?: { errors?: Array<{ field: string }> } }).details?.errors ?? []).map((e) => e.field);
}

describe('groups of the caller and of the requester, for SLA policies', () => {
  let harness: IncidentHarness;

  beforeAll(async () => {
    harness = await IncidentHarness.start();
  });

  afterAll(async () => {
    await harness.stop();
  });

  describe('incidents', () => {
    it('records the token groups of a requester who opens their own incident, in the reply, the row and incident.created', async () => {
      const created = await harness.open(vera);

      expect(created).toMatchObject({ callerId: 'vera', callerGroups: ['vip'] });
      await expect(harness.row(created.id)).resolves.toMatchObject({ caller_groups: ['vip'] });
      const [event] = await harness.events(IncidentEvents.created, created.id);
      expect(event?.data).toEqual(viewOf(created));
      expect(event?.data.callerGroups).toEqual(['vip']);
    });

    it('records no groups for a caller whose token has none', async () => {
      const created = await harness.open({ sub: 'walt', roles: [Role.Requester] });

      expect(created.callerGroups).toEqual([]);
      await expect(harness.row(created.id)).resolves.toMatchObject({ caller_groups: [] });
    });

    it('takes the groups an agent gives for the caller they log an incident for', async () => {
      const created = await harness.open(sam, { callerId: 'vera', callerName: 'Vera Important', callerGroups: ['vip'] });

      expect(created).toMatchObject({ callerId: 'vera', openedById: 'sam', callerGroups: ['vip'] });
      const [event] = await harness.events(IncidentEvents.created, created.id);
      expect(event?.data.callerGroups).toEqual(['vip']);
    });

    it('records no groups when an agent logs an incident for someone else without naming any', async () => {
      const created = await harness.open(sam, { callerId: 'vera' });

      expect(created.callerGroups).toEqual([]);
    });

    it('takes the token groups of an agent who logs an incident for themselves', async () => {
      const created = await harness.open(sam, { callerId: 'sam' });

      expect(created.callerGroups).toEqual(['service-desk']);
    });

    it('refuses callerGroups from a requester, naming the field, and writes nothing', async () => {
      const before = await harness.count('incidents');

      const error = await harness.open({ ...vera, groups: [] }, { callerGroups: ['vip'] }).catch((e: unknown) => e);

      expect(error).toMatchObject({ code: ErrorCode.VALIDATION, reason: IncidentErrorCode.CallerGroupsOnlyForOthers });
      expect(fieldsOf(error)).toEqual(['callerGroups']);
      await expect(harness.count('incidents')).resolves.toBe(before);
    });

    it('refuses callerGroups from an agent logging an incident for themselves', async () => {
      const error = await harness.open(sam, { callerGroups: ['vip'] }).catch((e: unknown) => e);

      expect(error).toMatchObject({ code: ErrorCode.VALIDATION });
      expect(fieldsOf(error)).toEqual(['callerGroups']);
    });

    it('refuses callerGroups that are empty strings or too many', async () => {
      const blank = await harness.open(sam, { callerId: 'vera', callerGroups: [''] }).catch((e: unknown) => e);
      const many = await harness.open(sam, { callerId: 'vera', callerGroups: Array.from({ length: 51 }, (_, i) => `group-${i}`) }).catch((e: unknown) => e);

      expect(blank).toMatchObject({ code: ErrorCode.VALIDATION });
      expect(fieldsOf(blank)).toEqual(['callerGroups']);
      expect(many).toMatchObject({ code: ErrorCode.VALIDATION });
      expect(fieldsOf(many)).toEqual(['callerGroups']);
    });

    it('keeps the groups recorded at opening: an update cannot change them', async () => {
      const created = await harness.open(vera);

      const error = await harness.rpc.call(IncidentRpc.update, { id: created.id, changes: { callerGroups: [] } as never }, { actor: sam }).catch((e: unknown) => e);
      const updated = await harness.rpc.call(IncidentRpc.update, { id: created.id, changes: { title: 'VPN drops for the board' } }, { actor: sam });

      expect(error).toMatchObject({ code: ErrorCode.VALIDATION });
      expect(updated).toMatchObject({ title: 'VPN drops for the board', callerGroups: ['vip'] });
    });
  });

  describe('service requests', () => {
    it('carries the requester’s token groups on the request and on every request_state_changed', async () => {
      const item = await harness.rpc.call(CatalogRpc.create, buildCatalogItem({ approval: { type: ApprovalType.None } }), { actor: admin });

      const request: ServiceRequestView = await harness.rpc.call(RequestRpc.submit, buildSubmitRequest(item.id), { actor: vera });

      expect(request).toMatchObject({ requesterId: 'vera', requesterGroups: ['vip'], state: RequestState.Approved });
      const changes = await harness.events(RequestEvents.stateChanged, request.id, 2);
      expect(changes.map((event) => [event.data.to, event.data.requesterGroups])).toEqual([
        [RequestState.Submitted, ['vip']],
        [RequestState.Approved, ['vip']],
      ]);
      const [approved] = await harness.events(RequestEvents.approved, request.id);
      expect(approved?.data.requesterGroups).toEqual(['vip']);
    });
  });
});

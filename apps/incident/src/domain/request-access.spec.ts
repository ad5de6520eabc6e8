import fc from 'fast-check';
import { type Actor, CatalogItemStatus, RequestCommentVisibility, Role } from '@itsm/contracts';
import {
  canSeeCatalogItem,
  canSeeRequest,
  listedRequesterOf,
  mayListCatalogItems,
  mayWriteComment,
  moversOf,
  readsInternalComments,
  worksRequests,
} from './request-access';

const alice: Actor = { sub: 'alice', roles: [Role.Requester] };
const bob: Actor = { sub: 'bob', roles: [Role.Requester] };
const frank: Actor = { sub: 'frank', roles: [Role.Requester], groups: ['it-procurement'] };
const sam: Actor = { sub: 'sam', roles: [Role.Agent] };
const dave: Actor = { sub: 'dave', roles: [Role.Manager] };
const ada: Actor = { sub: 'ada', roles: [Role.Admin] };
const cab: Actor = { sub: 'cora', roles: [Role.Cab] };

const alicesRequest = { requesterId: 'alice' };
const groupSteps = [{ approverId: null, group: 'it-procurement' }];
const namedSteps = [{ approverId: 'bob', group: null }];

describe('who works requests', () => {
  it('is agents, managers and admins; requesters and the CAB do not', () => {
    expect([sam, dave, ada].map(worksRequests)).toEqual([true, true, true]);
    expect([alice, cab].map(worksRequests)).toEqual([false, false]);
  });
});

describe('who sees a request', () => {
  it('shows every request to those who work requests', () => {
    for (const actor of [sam, dave, ada]) expect(canSeeRequest(actor, alicesRequest, [])).toBe(true);
  });

  it('shows a requester their own request', () => {
    expect(canSeeRequest(alice, alicesRequest, [])).toBe(true);
  });

  it('shows a request to its named approvers and to the members of its approving group', () => {
    expect(canSeeRequest(bob, alicesRequest, namedSteps)).toBe(true);
    expect(canSeeRequest(frank, alicesRequest, groupSteps)).toBe(true);
  });

  it('hides a request from any other requester', () => {
    expect(canSeeRequest(bob, alicesRequest, groupSteps)).toBe(false);
    expect(canSeeRequest(frank, alicesRequest, namedSteps)).toBe(false);
    expect(canSeeRequest(cab, alicesRequest, [])).toBe(false);
  });

  it('narrows a requester’s list to their own requests, and nobody else’s', () => {
    expect(listedRequesterOf(alice)).toBe('alice');
    expect(listedRequesterOf(sam)).toBeNull();
    expect(listedRequesterOf(ada)).toBeNull();
  });

  it('lets whoever a list is narrowed to see every request in it', () => {
    fc.assert(
      fc.property(fc.constantFrom(alice, bob, frank, sam, dave, ada, cab), fc.constantFrom('alice', 'bob', 'frank'), (actor, requesterId) => {
        const narrowed = listedRequesterOf(actor);
        if (narrowed === null || narrowed === requesterId) expect(canSeeRequest(actor, { requesterId }, [])).toBe(true);
      }),
    );
  });
});

describe('who moves a request', () => {
  it('moves it as its requester, as an agent, or both', () => {
    expect(moversOf(alice, alicesRequest)).toEqual(['requester']);
    expect(moversOf(sam, alicesRequest)).toEqual(['agent']);
    expect(moversOf({ ...sam, sub: 'alice' }, alicesRequest)).toEqual(['requester', 'agent']);
  });

  it('gives an approver who did not ask for it no say over its state', () => {
    expect(moversOf(bob, alicesRequest)).toEqual([]);
  });
});

describe('comments of a request', () => {
  it('lets anyone who sees the request write a public comment', () => {
    for (const actor of [alice, bob, sam]) expect(mayWriteComment(actor, RequestCommentVisibility.Public)).toBe(true);
  });

  it('keeps internal comments to those who work requests, for writing and for reading', () => {
    expect(mayWriteComment(sam, RequestCommentVisibility.Internal)).toBe(true);
    expect(mayWriteComment(alice, RequestCommentVisibility.Internal)).toBe(false);
    expect([sam, dave, ada].map(readsInternalComments)).toEqual([true, true, true]);
    expect([alice, frank].map(readsInternalComments)).toEqual([false, false]);
  });
});

describe('the request catalog', () => {
  it('shows active items to everybody', () => {
    for (const actor of [alice, sam, ada, cab]) {
      expect(canSeeCatalogItem(actor, { status: CatalogItemStatus.Active })).toBe(true);
      expect(mayListCatalogItems(actor, CatalogItemStatus.Active)).toBe(true);
    }
  });

  it('shows retired items to admins only', () => {
    expect(canSeeCatalogItem(ada, { status: CatalogItemStatus.Retired })).toBe(true);
    expect(mayListCatalogItems(ada, CatalogItemStatus.Retired)).toBe(true);
    for (const actor of [alice, sam, dave]) {
      expect(canSeeCatalogItem(actor, { status: CatalogItemStatus.Retired })).toBe(false);
      expect(mayListCatalogItems(actor, CatalogItemStatus.Retired)).toBe(false);
    }
  });
});

import fc from 'fast-check';
import { type Actor, Role } from '@itsm/contracts';
import { mayChangeSubscription, mayReadDelivery, mayReadSubscription, seesAllSubscriptions } from './access';

const actor = (sub: string, ...roles: Role[]): Actor => ({ sub, name: sub, roles });
const sam = actor('sam', Role.Agent);
const maria = actor('maria', Role.Manager);
const ada = actor('ada', Role.Admin);
const tomsSubscription = { owner: 'tom' };

describe('notification access', () => {
  it('lets an agent read and change only the subscriptions they own', () => {
    expect(mayReadSubscription(sam, { owner: 'sam' })).toBe(true);
    expect(mayChangeSubscription(sam, { owner: 'sam' })).toBe(true);
    expect(mayReadSubscription(sam, tomsSubscription)).toBe(false);
    expect(mayChangeSubscription(sam, tomsSubscription)).toBe(false);
  });

  it('lets a manager read every subscription but change none but their own', () => {
    expect(mayReadSubscription(maria, tomsSubscription)).toBe(true);
    expect(mayChangeSubscription(maria, tomsSubscription)).toBe(false);
    expect(mayChangeSubscription(maria, { owner: 'maria' })).toBe(true);
  });

  it('lets an admin read and change every subscription', () => {
    expect(mayReadSubscription(ada, tomsSubscription)).toBe(true);
    expect(mayChangeSubscription(ada, tomsSubscription)).toBe(true);
  });

  it('shows managers and admins everyone’s subscriptions, agents only their own', () => {
    expect([sam, maria, ada].map(seesAllSubscriptions)).toEqual([false, true, true]);
  });

  it('shows a delivery to whoever sees its subscription, and one of a deleted subscription to managers and admins only', () => {
    expect(mayReadDelivery(sam, { owner: 'sam' })).toBe(true);
    expect(mayReadDelivery(sam, tomsSubscription)).toBe(false);
    expect(mayReadDelivery(maria, tomsSubscription)).toBe(true);
    expect([sam, maria, ada].map((caller) => mayReadDelivery(caller, null))).toEqual([false, true, true]);
  });

  const anyActor = fc.record({ sub: fc.constantFrom('sam', 'tom', 'maria', 'ada'), name: fc.string(), roles: fc.subarray(Object.values(Role)) });
  const anySubscription = fc.record({ owner: fc.constantFrom('sam', 'tom', 'maria', 'ada') });

  it('never lets anyone change a subscription they cannot read', () => {
    fc.assert(fc.property(anyActor, anySubscription, (caller, subscription) => !mayChangeSubscription(caller, subscription) || mayReadSubscription(caller, subscription)));
  });

  it('shows the deliveries of exactly the subscriptions the caller reads', () => {
    fc.assert(fc.property(anyActor, anySubscription, (caller, subscription) => mayReadDelivery(caller, subscription) === mayReadSubscription(caller, subscription)));
  });
});

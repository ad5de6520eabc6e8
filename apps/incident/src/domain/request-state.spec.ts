import fc from 'fast-check';
import { RequestState } from '@itsm/contracts';
import { allowedMoves, checkRequestTransition, isFinalRequestState, type RequestMover } from './request-state';

const S = RequestState;
const STATES = Object.values(RequestState);
const MOVERS: RequestMover[] = ['requester', 'agent', 'system'];

describe('request state machine', () => {
  it.each([
    [S.Submitted, ['system'], [S.AwaitingApproval, S.Approved]],
    [S.AwaitingApproval, ['system'], [S.Approved, S.Rejected]],
    [S.Approved, ['agent'], [S.InFulfillment, S.Canceled]],
    [S.InFulfillment, ['agent'], [S.Fulfilled, S.Canceled]],
    [S.Fulfilled, ['agent'], [S.Closed]],
  ] as const)('lets %s move on to the states its mover may choose', (from, movers, expected) => {
    expect(allowedMoves(from, movers)).toEqual(expect.arrayContaining([...expected]));
  });

  it('lets the requester cancel only until fulfillment starts', () => {
    expect(allowedMoves(S.Submitted, ['requester'])).toEqual([S.Canceled]);
    expect(allowedMoves(S.AwaitingApproval, ['requester'])).toEqual([S.Canceled]);
    expect(allowedMoves(S.Approved, ['requester'])).toEqual([S.Canceled]);
    expect(allowedMoves(S.InFulfillment, ['requester'])).toEqual([]);
    expect(allowedMoves(S.Fulfilled, ['requester'])).toEqual([]);
  });

  it('lets agents cancel before the request is fulfilled, never after', () => {
    for (const from of [S.Submitted, S.AwaitingApproval, S.Approved, S.InFulfillment]) {
      expect(checkRequestTransition(from, S.Canceled, ['agent'])).toEqual({ ok: true });
    }
    expect(checkRequestTransition(S.Fulfilled, S.Canceled, ['agent'])).toEqual({ ok: false, allowed: [S.Closed] });
  });

  it('keeps approval outcomes to the service: nobody approves or rejects through a transition', () => {
    expect(checkRequestTransition(S.AwaitingApproval, S.Approved, ['requester', 'agent'])).toEqual({ ok: false, allowed: [S.Canceled] });
    expect(checkRequestTransition(S.AwaitingApproval, S.Rejected, ['agent'])).toEqual({ ok: false, allowed: [S.Canceled] });
  });

  it('refuses skipping fulfillment, naming what is allowed instead', () => {
    expect(checkRequestTransition(S.Approved, S.Fulfilled, ['agent'])).toEqual({ ok: false, allowed: [S.InFulfillment, S.Canceled] });
    expect(checkRequestTransition(S.Approved, S.Closed, ['agent'])).toEqual({ ok: false, allowed: [S.InFulfillment, S.Canceled] });
  });

  it('treats rejected, closed and canceled as final', () => {
    expect(STATES.filter(isFinalRequestState).sort()).toEqual([S.Canceled, S.Closed, S.Rejected].sort());
  });

  it('answers a refusal with exactly the moves that would have been accepted', () => {
    fc.assert(
      fc.property(fc.constantFrom(...STATES), fc.constantFrom(...STATES), fc.subarray(MOVERS), (from, to, movers) => {
        const check = checkRequestTransition(from, to, movers);
        const allowed = allowedMoves(from, movers);
        expect(check.ok).toBe(allowed.includes(to));
        if (!check.ok) expect(check.allowed).toEqual(allowed);
      }),
    );
  });

  it('never moves a request back to submitted or to the state it is in, and gives more to more movers', () => {
    fc.assert(
      fc.property(fc.constantFrom(...STATES), fc.subarray(MOVERS), fc.subarray(MOVERS), (from, some, more) => {
        const targets = allowedMoves(from, some);
        expect(targets).not.toContain(S.Submitted);
        expect(targets).not.toContain(from);
        expect(allowedMoves(from, [...some, ...more])).toEqual(expect.arrayContaining(targets));
      }),
    );
  });

  it('only ever reaches fulfilled through fulfillment, whatever the sequence of attempts', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(...STATES), fc.subarray(MOVERS)), { maxLength: 30 }), (attempts) => {
        let state: RequestState = S.Submitted;
        const path: RequestState[] = [state];
        for (const [to, movers] of attempts) {
          if (checkRequestTransition(state, to, movers).ok) {
            state = to;
            path.push(state);
          }
        }
        const fulfilled = path.indexOf(S.Fulfilled);
        if (fulfilled >= 0) expect(path.slice(0, fulfilled)).toEqual(expect.arrayContaining([S.Approved, S.InFulfillment]));
        // Nothing follows a final state.
        const final = path.findIndex(isFinalRequestState);
        if (final >= 0) expect(final).toBe(path.length - 1);
      }),
    );
  });
});

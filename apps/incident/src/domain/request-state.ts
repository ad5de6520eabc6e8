import { RequestState } from '@itsm/contracts';

/**
 * Who moves a request: its requester, an agent working it, or the service itself (submission and the outcome
 * of the approvals, never asked for through the transitions endpoint).
 */
export type RequestMover = 'requester' | 'agent' | 'system';

const S = RequestState;

/** from → to → who may make that move. A state missing on the left has no way out. */
const MOVES: Readonly<Partial<Record<RequestState, Readonly<Partial<Record<RequestState, readonly RequestMover[]>>>>>> = {
  [S.Submitted]: {
    [S.AwaitingApproval]: ['system'],
    [S.Approved]: ['system'],
    [S.Canceled]: ['requester', 'agent'],
  },
  [S.AwaitingApproval]: {
    [S.Approved]: ['system'],
    [S.Rejected]: ['system'],
    [S.Canceled]: ['requester', 'agent'],
  },
  [S.Approved]: {
    [S.InFulfillment]: ['agent'],
    [S.Canceled]: ['requester', 'agent'],
  },
  [S.InFulfillment]: {
    [S.Fulfilled]: ['agent'],
    [S.Canceled]: ['agent'],
  },
  [S.Fulfilled]: {
    [S.Closed]: ['agent'],
  },
};

const ORDER = Object.values(RequestState);

/** The states a request in `from` can be moved to by any of `movers`, in life-cycle order. */
export function allowedMoves(from: RequestState, movers: readonly RequestMover[]): RequestState[] {
  const targets = MOVES[from] ?? {};
  return ORDER.filter((to) => (targets[to] ?? []).some((mover) => movers.includes(mover)));
}

export type TransitionCheck = { ok: true } | { ok: false; allowed: RequestState[] };

/** Whether one of `movers` may move a request from `from` to `to`; when not, what they could do instead. */
export function checkRequestTransition(from: RequestState, to: RequestState, movers: readonly RequestMover[]): TransitionCheck {
  const allowed = allowedMoves(from, movers);
  return allowed.includes(to) ? { ok: true } : { ok: false, allowed };
}

/** Rejected, closed and canceled requests never move again. */
export function isFinalRequestState(state: RequestState): boolean {
  return allowedMoves(state, ['requester', 'agent', 'system']).length === 0;
}

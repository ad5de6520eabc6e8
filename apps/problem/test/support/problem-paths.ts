import { type Actor, ProblemResolutionCode, ProblemRpc, ProblemState, type ProblemView, type TransitionProblemDto } from '@itsm/contracts';
import { maria, sam } from '@itsm/testing';
import type { ProblemHarness } from './problem-harness';

/** A problem with what every move needs recorded: a root cause, its category and a workaround. */
export const ANALYSED = {
  rootCause: 'The session table of the VPN concentrator holds 256 entries.',
  causeCategory: 'capacity',
  workaround: 'Restart the VPN client; it gets a fresh session.',
} as const;

export const RESOLVE: TransitionProblemDto = { to: ProblemState.Resolved, resolutionCode: ProblemResolutionCode.PermanentFix, resolution: 'Session table enlarged to 4096 entries.' };

const S = ProblemState;

/** The moves from `new` to each state, along the usual path (canceling as a manager). */
export const PATHS: Readonly<Record<ProblemState, readonly TransitionProblemDto[]>> = {
  [S.New]: [],
  [S.Assess]: [{ to: S.Assess }],
  [S.RootCauseAnalysis]: [{ to: S.Assess }, { to: S.RootCauseAnalysis }],
  [S.FixInProgress]: [{ to: S.Assess }, { to: S.RootCauseAnalysis }, { to: S.FixInProgress }],
  [S.Resolved]: [{ to: S.Assess }, { to: S.RootCauseAnalysis }, { to: S.FixInProgress }, RESOLVE],
  [S.Closed]: [{ to: S.Assess }, { to: S.RootCauseAnalysis }, { to: S.FixInProgress }, RESOLVE, { to: S.Closed }],
  [S.Canceled]: [{ to: S.Canceled, reason: 'opened by mistake' }],
};

export function move(h: ProblemHarness, id: string, transition: TransitionProblemDto, actor: Actor = sam, expectedVersion?: number): Promise<ProblemView> {
  return h.rpc.call(ProblemRpc.transition, { id, transition, ...(expectedVersion ? { expectedVersion } : {}) }, { actor });
}

/** Opens an analysed problem (root cause, category, workaround) and drives it to `state`. */
export async function problemIn(h: ProblemHarness, state: ProblemState, overrides: Parameters<ProblemHarness['open']>[0] = {}): Promise<ProblemView> {
  let current = await h.open({ ...ANALYSED, ...overrides });
  for (const step of PATHS[state]) current = await move(h, current.id, step, step.to === S.Canceled ? maria : sam);
  return current;
}

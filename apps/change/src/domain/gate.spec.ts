import { ChangeApprovalState, ChangeState, ChangeType } from '@itsm/contracts';
import { evaluateGate, type GateInput, releaseGate } from './gate';

const HOUR = 3_600_000;
const T0 = Date.parse('2026-05-04T08:00:00.000Z');
const at = (hours: number): Date => new Date(T0 + hours * HOUR);

/** An approved normal change, scheduled, asked an hour into its two-hour window. */
function buildInput(overrides: Partial<GateInput> = {}): GateInput {
  return {
    type: ChangeType.Normal,
    state: ChangeState.Scheduled,
    approvalState: ChangeApprovalState.Approved,
    window: { start: at(0), end: at(2) },
    blackoutsNow: [],
    now: at(1),
    ...overrides,
  };
}

describe('evaluateGate', () => {
  it('opens for an approved change in scheduled or implement inside its window', () => {
    expect(evaluateGate(buildInput())).toEqual({ allowed: true, reasons: [] });
    expect(evaluateGate(buildInput({ state: ChangeState.Implement }))).toEqual({ allowed: true, reasons: [] });
  });

  it('opens for a standard change without an approval', () => {
    expect(evaluateGate(buildInput({ type: ChangeType.Standard, approvalState: null }))).toEqual({ allowed: true, reasons: [] });
  });

  it('stays closed for a change whose approval is pending or rejected', () => {
    expect(evaluateGate(buildInput({ approvalState: ChangeApprovalState.Pending }))).toEqual({ allowed: false, reasons: ['The change is not approved: its approval is pending'] });
    expect(evaluateGate(buildInput({ approvalState: ChangeApprovalState.Rejected }))).toEqual({ allowed: false, reasons: ['The change is not approved: its approval is rejected'] });
  });

  it('stays closed for an emergency change without an approval', () => {
    expect(evaluateGate(buildInput({ type: ChangeType.Emergency, approvalState: null }))).toEqual({
      allowed: false,
      reasons: ['The change is not approved: no approval was requested (emergency changes need one)'],
    });
  });

  it.each([ChangeState.New, ChangeState.Assess, ChangeState.Authorize, ChangeState.Review, ChangeState.Closed, ChangeState.Canceled, ChangeState.Rejected])('stays closed in state %s', (state) => {
    expect(evaluateGate(buildInput({ state }))).toEqual({ allowed: false, reasons: [`The change is in state ${state}; the gate opens only in scheduled or implement`] });
  });

  it('stays closed before the window opens and from the moment it closes', () => {
    expect(evaluateGate(buildInput({ now: at(-0.5) }))).toEqual({
      allowed: false,
      reasons: ['It is 2026-05-04T07:30:00.000Z, before the planned window opens at 2026-05-04T08:00:00.000Z'],
    });
    expect(evaluateGate(buildInput({ now: at(2) }))).toEqual({ allowed: false, reasons: ['It is 2026-05-04T10:00:00.000Z, after the planned window closed at 2026-05-04T10:00:00.000Z'] });
    expect(evaluateGate(buildInput({ now: at(0) })).allowed).toBe(true);
  });

  it('stays closed while a blackout covering its CIs is in force, and not for one that is over or yet to come', () => {
    const blackout = (name: string, from: number, to: number) => ({ name, occurrence: { start: at(from), end: at(to) } });
    expect(evaluateGate(buildInput({ blackoutsNow: [blackout('Payroll freeze', 0.5, 3)] }))).toEqual({
      allowed: false,
      reasons: ['Blackout "Payroll freeze" is in force until 2026-05-04T11:00:00.000Z'],
    });
    expect(evaluateGate(buildInput({ blackoutsNow: [blackout('Over', 0, 1), blackout('Later', 1.5, 3)] }))).toEqual({ allowed: true, reasons: [] });
  });

  it('says everything that is missing at once', () => {
    const result = evaluateGate(buildInput({ state: ChangeState.Authorize, approvalState: ChangeApprovalState.Pending, now: at(5), blackoutsNow: [{ name: 'Freeze', occurrence: { start: at(4), end: at(6) } }] }));
    expect(result.allowed).toBe(false);
    expect(result.reasons).toEqual([
      'The change is not approved: its approval is pending',
      'The change is in state authorize; the gate opens only in scheduled or implement',
      'It is 2026-05-04T13:00:00.000Z, after the planned window closed at 2026-05-04T10:00:00.000Z',
      'Blackout "Freeze" is in force until 2026-05-04T14:00:00.000Z',
    ]);
  });
});

describe('releaseGate', () => {
  const open = { allowed: true, reasons: [] };

  it('opens when every change gate is open', () => {
    expect(releaseGate([{ number: 'CHG0001001', gate: open }, { number: 'CHG0001002', gate: open }])).toEqual({ allowed: true, reasons: [] });
  });

  it('stays closed when one change gate is, with its reasons prefixed by the change number', () => {
    const closed = evaluateGate(buildInput({ approvalState: ChangeApprovalState.Pending, now: at(3) }));
    expect(releaseGate([{ number: 'CHG0001001', gate: open }, { number: 'CHG0001002', gate: closed }])).toEqual({
      allowed: false,
      reasons: ['CHG0001002: The change is not approved: its approval is pending', 'CHG0001002: It is 2026-05-04T11:00:00.000Z, after the planned window closed at 2026-05-04T10:00:00.000Z'],
    });
  });

  it('stays closed for a release without changes', () => {
    expect(releaseGate([])).toEqual({ allowed: false, reasons: ['The release has no changes'] });
  });
});

/**
 * The fast part of the fault tests, in `npm test`: one crash of the incident service and one outbox relay killed
 * with a backlog, during a short burst, on a suite of the incident, SLA and notification services. The whole set of
 * faults, on every service and repeated, is `npm run test:chaos` (faults.chaos-spec.ts).
 */
import { recordReliability } from '@itsm/testing';
import { startSuite, type Suite } from '../bench/suite/cluster';
import { describeRun, findings, killProcess, reliabilityRow, relayKilledWithBacklog, runFault } from './faults';

// Starting the suite and the runs take minutes on two cores, more when the machine is busy.
jest.setTimeout(600_000);

const log = (line: string) => console.log(line);

describe('faults during a burst of service-desk work (short)', () => {
  let suite: Suite;
  let handled: Map<string, Set<string>>;

  beforeAll(async () => {
    suite = await startSuite({ services: ['incident', 'sla', 'notification'], log });
    // A run without a fault: the control, and which event types each consumer applies.
    const control = await runFault(suite, undefined, { operations: 60, repeats: 0, log });
    expect(findings(control)).toEqual([]);
    handled = control.handled;
  });

  afterAll(async () => {
    await suite?.stop();
  });

  it('loses and duplicates nothing when the incident service is killed and comes back', async () => {
    const run = await runFault(suite, killProcess('incident'), { operations: 150, rate: 15, repeats: 1, handled, log });
    console.log(describeRun(run));
    recordReliability(reliabilityRow(run));
    expect(findings(run)).toEqual([]);
    expect(run.records.ok).toBeGreaterThan(0);
    expect([...handled.keys()].sort()).toEqual(expect.arrayContaining([expect.stringMatching(/^sla-/), expect.stringMatching(/^notification-/)]));
  });

  it('publishes the backlog of an outbox relay killed before it could, once', async () => {
    const backlogs: number[] = [];
    const run = await runFault(suite, relayKilledWithBacklog('incident', backlogs), { operations: 120, rate: 15, repeats: 1, handled, log });
    console.log(`${describeRun(run)}; backlog when killed: ${backlogs.join(', ')}`);
    recordReliability(reliabilityRow(run));
    expect(findings(run)).toEqual([]);
    expect(backlogs[0]).toBeGreaterThan(0);
  });
});

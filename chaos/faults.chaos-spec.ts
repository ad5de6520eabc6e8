/**
 * Every fault of the reliability suite, on the whole suite (gateway and all seven services, production builds, on
 * durable PostgreSQL and NATS of its own), each injected several times during a burst of mixed service-desk work
 * through the gateway. After each run the suite must have recovered by itself, and the checker must find every
 * acknowledged operation durable, on the stream once, and applied once by every consumer that handles its event.
 *
 * `CHAOS_OPERATIONS` (per fault, default 900) and `CHAOS_REPEATS` (injections per fault, default 3) size the runs.
 */
import { recordReliability, SERVICE_NAMES } from '@itsm/testing';
import { startSuite, type Suite } from '../bench/suite/cluster';
import { describeRun, type Fault, findings, killProcess, pauseProcess, reliabilityRow, relayKilledWithBacklog, restartNats, restartPostgres, runFault } from './faults';

const OPERATIONS = Number(process.env['CHAOS_OPERATIONS'] ?? 900);
const REPEATS = Number(process.env['CHAOS_REPEATS'] ?? 3);
const log = (line: string) => console.log(line);

jest.setTimeout(1_200_000);

const backlogs: number[] = [];
const FAULTS: Fault[] = [
  ...SERVICE_NAMES.map((service) => killProcess(service)),
  killProcess('gateway'),
  restartNats,
  restartPostgres,
  pauseProcess('incident'),
  relayKilledWithBacklog('incident', backlogs),
];

describe(`faults during bursts of service-desk work (${OPERATIONS} operations per fault, each injected ${REPEATS}×)`, () => {
  let suite: Suite;
  let handled: Map<string, Set<string>>;
  const summary: string[] = [];

  beforeAll(async () => {
    suite = await startSuite({ log });
    const control = await runFault(suite, undefined, { operations: 200, repeats: 0, log });
    log(describeRun(control));
    expect(findings(control)).toEqual([]);
    handled = control.handled;
  });

  afterAll(async () => {
    console.log(`\nFaults:\n${summary.join('\n')}`);
    await suite?.stop();
  });

  it.each(FAULTS.map((fault) => [fault.name, fault] as const))('%s: nothing lost, nothing duplicated, failures fast, recovery without help', async (_name, fault) => {
    const run = await runFault(suite, fault, { operations: OPERATIONS, repeats: REPEATS, handled, log });
    const line = `${describeRun(run)}${fault.name.startsWith('outbox relay') ? `; backlogs when killed: ${backlogs.join(', ')}` : ''}`;
    summary.push(line);
    log(line);
    recordReliability(reliabilityRow(run));
    expect(findings(run)).toEqual([]);
    if (fault.name.startsWith('outbox relay')) expect(Math.min(...backlogs)).toBeGreaterThan(0);
  });
});

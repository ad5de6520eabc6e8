/**
 * A flood from one client does not slow the others down: the suite with its shared rate limits on, a quiet agent
 * reading incidents one at a time, alone and while another client floods the gateway far past its quota from a
 * process of its own. The flood is refused (429, saying when to come back) and the quiet agent's p99 during the
 * flood stays within twice its p99 alone.
 */
import { type IncidentView, Role } from '@itsm/contracts';
import { buildCreateIncident, recordReliability } from '@itsm/testing';
import { cpuMs, percentile, sleep } from '../bench/bench-kit';
import { startSuite, type Suite } from '../bench/suite/cluster';
import { type FloodResult, startFlood } from '../bench/suite/flooder';

/**
 * Rounds of the quiet agent alone, then during the flood. One round on a shared 2-core machine can be slowed by
 * anything; the median of the rounds' p99s is what is compared.
 */
const ROUNDS = 7;
/** Reads of the quiet agent per measurement (its p99 is then the fifth slowest). */
const QUIET_READS = 400;
/** Unmeasured reads of the quiet agent before the first round (connections, the JIT of each process). */
const QUIET_WARM_UP = 200;
/** Requests a second of the flood: 50 times the pace of the default read quota (1,200 a minute). */
const FLOOD_RATE = 1_000;
/**
 * Connections the flood is pipelined on. The flooding client shares the machine with the suite here, not in life:
 * written on sockets it costs this machine a fraction of what fetch would, and the gateway receives the same requests.
 */
const FLOOD_CONNECTIONS = 4;
/** How long the flood runs before the quiet agent is measured, so that it is measured at the flood's full pace. */
const FLOOD_RAMP_MS = 1_000;
/** Reads one client may make per window: all the quiet agent's reads, with room to spare (none of them is ever refused). */
const READ_QUOTA = QUIET_WARM_UP + ROUNDS * 2 * QUIET_READS + 200;
/** Incidents the quiet agent reads in turn. */
const INCIDENTS = 5;
/** Reads of the flooding client at once while it uses up its quota. */
const QUOTA_LANES = 8;

/**
 * A rate-limit window (seconds) of which at least `roomSeconds` are still ahead. Windows are aligned to the epoch,
 * so their length decides where the current one ends; the whole run then falls in one window, and the flood never
 * gets a fresh quota in the middle of a round (which would be admitted load, not a refused flood).
 */
function windowWithRoom(roomSeconds: number, nowSeconds = Math.floor(Date.now() / 1_000)): number {
  let length = 2 * roomSeconds;
  while (length - (nowSeconds % length) < roomSeconds) length += 1;
  return length;
}

const WINDOW_SECONDS = windowWithRoom(15 * 60);

interface Read {
  ms: number;
  status: number;
}

function median(values: readonly number[]): number {
  return percentile([...values].sort((a, b) => a - b), 50);
}

function p99(reads: readonly Read[]): number {
  return percentile(reads.map((read) => read.ms).sort((a, b) => a - b), 99);
}

function addTo(total: Record<string, number>, counts: Record<string, number>): void {
  for (const [status, count] of Object.entries(counts)) total[status] = (total[status] ?? 0) + count;
}

function countOf(counts: Record<string, number>, matches: (status: string) => boolean): number {
  return Object.entries(counts).reduce((sum, [status, count]) => (matches(status) ? sum + count : sum), 0);
}

const is2xx = (status: string): boolean => /^2\d\d$/.test(status);

describe('a flood from one client', () => {
  let suite: Suite;
  const incidentIds: string[] = [];
  const alone: number[] = [];
  const during: number[] = [];
  /** CPU ms per second of each process of the suite, over the quiet agent's reads alone and during the flood. */
  const cpu = { alone: {} as Record<string, number>, during: {} as Record<string, number> };
  const measured = { alone: 0, during: 0 };
  const quietStatuses: Record<string, number> = {};
  /** The flooding client's reads while it used up its quota, sent a few at a time. */
  const quotaStatuses: Record<string, number> = {};
  /** What the flooding process sent once the quota was used up, and what came back. */
  const flood: FloodResult = { statuses: {}, sent: 0 };
  /** How long the flooding process ran, over all rounds (ms). */
  let floodMs = 0;
  /** One more request of the flooding client during each round's flood, to read a refusal's headers and body. */
  const refusals: Array<{ response: Response; body: unknown }> = [];

  const read = async (token: string, index: number): Promise<Read> => {
    const t0 = performance.now();
    const response = await fetch(`${suite.gatewayUrl}/v1/incidents/${incidentIds[index % incidentIds.length]}`, { headers: { authorization: `Bearer ${token}` } });
    await response.arrayBuffer();
    return { ms: performance.now() - t0, status: response.status };
  };

  const quietReads = async (token: string, count: number): Promise<Read[]> => {
    const reads: Read[] = [];
    for (let index = 0; index < count; index++) reads.push(await read(token, index));
    for (const { status } of reads) quietStatuses[status] = (quietStatuses[status] ?? 0) + 1;
    return reads;
  };

  /** CPU ms so far of every process of the suite, of the test itself and of the flooding process (when there is one). */
  const cpuSample = (flooderPid?: number): Record<string, number> => ({
    ...Object.fromEntries(Object.entries(suite.sample()).map(([name, sample]) => [name, sample.cpuMs])),
    'quiet agent (test)': cpuMs(process.pid),
    ...(flooderPid === undefined ? {} : { flooder: cpuMs(flooderPid) }),
  });

  /** The quiet agent's p99 over `QUIET_READS` reads, adding what each process spent meanwhile to `phase`. */
  const measureQuiet = async (token: string, phase: 'alone' | 'during', flooderPid?: number): Promise<number> => {
    const before = cpuSample(flooderPid);
    const t0 = performance.now();
    const reads = await quietReads(token, QUIET_READS);
    measured[phase] += performance.now() - t0;
    for (const [name, ms] of Object.entries(cpuSample(flooderPid))) cpu[phase][name] = (cpu[phase][name] ?? 0) + ms - (before[name] ?? 0);
    return p99(reads);
  };

  /** Reads with `token`, a few at a time, until the gateway refuses one: the first quota passes at a pace the suite serves. */
  const useUpQuota = async (token: string): Promise<void> => {
    let refused = false;
    let sent = 0;
    await Promise.all(
      Array.from({ length: QUOTA_LANES }, async () => {
        while (!refused) {
          const { status } = await read(token, sent++);
          quotaStatuses[status] = (quotaStatuses[status] ?? 0) + 1;
          if (status === 429) refused = true;
        }
      }),
    );
  };

  beforeAll(async () => {
    suite = await startSuite({
      services: ['incident'],
      env: { RATE_LIMIT_ENABLED: 'true', RATE_LIMIT_WINDOW_SECONDS: String(WINDOW_SECONDS), RATE_LIMIT_READ_PER_WINDOW: String(READ_QUOTA) },
    });
    const writer = suite.token([Role.Agent], 'service-desk-agent');
    for (let index = 0; index < INCIDENTS; index++) {
      const response = await fetch(`${suite.gatewayUrl}/v1/incidents`, {
        method: 'POST',
        headers: { authorization: `Bearer ${writer}`, 'content-type': 'application/json' },
        body: JSON.stringify(buildCreateIncident()),
      });
      if (response.status !== 201) throw new Error(`creating an incident answered ${response.status}: ${await response.text()}`);
      incidentIds.push(((await response.json()) as IncidentView).id);
    }

    const quiet = suite.token([Role.Agent], 'quiet-agent');
    const flooding = suite.token([Role.Agent], 'flooding-agent');
    // The flooding client's first quota is admitted load, read by the suite like any other: it is sent at a pace the
    // suite serves (warming it up), so that what follows measures a flood that is refused, not one that is served.
    await useUpQuota(flooding);
    await quietReads(quiet, QUIET_WARM_UP);

    for (let round = 0; round < ROUNDS; round++) {
      alone.push(await measureQuiet(quiet, 'alone'));
      const floodStart = performance.now();
      const flooder = startFlood({ urls: [suite.gatewayUrl], token: flooding, rate: FLOOD_RATE, connections: FLOOD_CONNECTIONS, path: `/v1/incidents/${incidentIds[0]}` });
      try {
        await sleep(FLOOD_RAMP_MS);
        const response = await fetch(`${suite.gatewayUrl}/v1/incidents/${incidentIds[0]}`, { headers: { authorization: `Bearer ${flooding}` } });
        refusals.push({ response, body: await response.json() });
        during.push(await measureQuiet(quiet, 'during', flooder.pid));
      } finally {
        const result = await flooder.stop();
        addTo(flood.statuses, result.statuses);
        flood.sent += result.sent;
        floodMs += performance.now() - floodStart;
      }
    }

    const quietOk = countOf(quietStatuses, is2xx);
    const floodRefused = flood.statuses['429'] ?? 0;
    const ratio = median(during) / median(alone);
    const figures = {
      windowSeconds: WINDOW_SECONDS,
      readQuota: READ_QUOTA,
      floodRate: FLOOD_RATE,
      usingUpQuota: quotaStatuses,
      flood,
      floodSeconds: +(floodMs / 1_000).toFixed(1),
      quiet: quietStatuses,
      p99AloneMs: alone.map((ms) => +ms.toFixed(1)),
      p99DuringMs: during.map((ms) => +ms.toFixed(1)),
      medianP99AloneMs: +median(alone).toFixed(1),
      medianP99DuringMs: +median(during).toFixed(1),
      ratio: +ratio.toFixed(2),
      cpuMsPerSecond: Object.fromEntries(
        (['alone', 'during'] as const).map((phase) => [phase, Object.fromEntries(Object.entries(cpu[phase]).map(([name, ms]) => [name, Math.round((ms / measured[phase]) * 1_000)]))]),
      ),
    };
    process.stdout.write(`flood from one client: ${JSON.stringify(figures)}\n`);
    recordReliability({
      group: 'abuse',
      name: 'flood from one client',
      runs: ROUNDS,
      operations: QUIET_WARM_UP + ROUNDS * 2 * QUIET_READS + flood.sent,
      ok: quietOk + floodRefused,
      lost: 0,
      duplicated: 0,
      // Past its quota every answer to the flood must be a refusal: a 2xx would be a request the limits let through.
      unexpected: QUIET_WARM_UP + ROUNDS * 2 * QUIET_READS - quietOk + (flood.sent - floodRefused),
      notes: `quiet p99 alone ${figures.medianP99AloneMs} ms, during ${figures.medianP99DuringMs} ms (${figures.ratio}×); flood of ${FLOOD_RATE}/s from another process, ${floodRefused} requests refused with 429 past a quota of ${READ_QUOTA}; medians of ${ROUNDS} rounds of ${QUIET_READS} reads`,
    });
  }, 240_000);

  afterAll(async () => {
    await suite?.stop();
  });

  it('admits exactly its quota while the flooding client uses it up', () => {
    expect(countOf(quotaStatuses, is2xx)).toBe(READ_QUOTA);
    expect(countOf(quotaStatuses, (status) => !is2xx(status) && status !== '429')).toBe(0);
  });

  it('refuses every request of the flood past its quota with 429', () => {
    expect(flood.statuses).toEqual({ '429': flood.sent });
    // The flood kept (at least half) its pace while it ran, so the quiet agent was measured beside a real one.
    expect(flood.sent).toBeGreaterThanOrEqual((FLOOD_RATE * floodMs) / 1_000 / 2);
  });

  it('tells the flooding client its quota and when to come back', () => {
    expect(refusals).toHaveLength(ROUNDS);
    for (const { response, body } of refusals) {
      const retryAfter = Number(response.headers.get('retry-after'));
      expect(response.status).toBe(429);
      expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= WINDOW_SECONDS).toBe(true);
      expect(response.headers.get('ratelimit-policy')).toBe(`"read";q=${READ_QUOTA};w=${WINDOW_SECONDS}`);
      expect(response.headers.get('ratelimit')).toBe(`"read";r=0;t=${retryAfter}`);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(body).toMatchObject({ status: 429, code: 'TOO_MANY_REQUESTS', reason: 'RATE_LIMITED', retryAfterSeconds: retryAfter });
    }
  });

  it('serves every read of the quiet agent, during the flood as alone', () => {
    expect(quietStatuses).toEqual({ '200': QUIET_WARM_UP + ROUNDS * 2 * QUIET_READS });
  });

  it("keeps the quiet agent's p99 during the flood within twice its p99 alone", () => {
    expect(median(during)).toBeLessThanOrEqual(2 * median(alone));
  });
});

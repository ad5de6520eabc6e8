/**
 * Mixed service-desk work through the gateway, as clients do it, recording what each client learned: incident
 * creations (retried with their idempotency key after no answer or a 5xx, as a careful client does), moves from
 * new to in progress, work notes and reads. Every created record carries a token of this run in its title, and
 * every note in its body, so that its effects can be told apart from any other run's and matched to the operation.
 */
import type { Attempt, Outcome } from './checker';

export interface WorkloadOptions {
  /** The gateway's base URL (read at every request: a restarted gateway keeps its port, but the caller decides). */
  gatewayUrl: string;
  /** Bearer token of the agent doing the work. */
  token: string;
  /** Starts every token of this run; unique per run. */
  prefix: string;
  /** Operations to attempt (reads included). */
  operations: number;
  /** Clients working at once. */
  concurrency: number;
  /** Operations started per second at most, so that a run lasts long enough for its faults (operations / rate seconds). */
  rate: number;
  /** How long a client waits for an answer before it gives up on the request (counted as a hang). */
  requestTimeoutMs: number;
  /** Attempts of one creation, the first included, when no answer or a 5xx comes back. */
  createAttempts?: number;
}

/** One HTTP request and what came back. */
export interface RequestRecord {
  kind: 'create' | 'transition' | 'comment' | 'read';
  status: number;
  /** The answer's media type (`application/problem+json` for a problem), '' when none came. */
  contentType: string;
  /** Milliseconds from the workload's start to the request being sent, and how long it took. */
  sentAt: number;
  ms: number;
  /** The client gave up waiting (requestTimeoutMs). */
  hung: boolean;
}

export interface WorkloadResult {
  attempts: Attempt[];
  requests: RequestRecord[];
  /** Ids of the incidents whose creation was acknowledged, by token. */
  created: Map<string, string>;
}

const MIX: ReadonlyArray<[RequestRecord['kind'], number]> = [
  ['create', 40],
  ['transition', 20],
  ['comment', 25],
  ['read', 15],
];

function outcomeOf(status: number): Outcome {
  if (status >= 200 && status < 300) return 'acknowledged';
  if (status >= 400 && status < 500 && status !== 408 && status !== 429) return 'refused';
  return 'indeterminate';
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A small deterministic generator, so that a run's mix can be repeated from its seed. */
function random(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
}

export class Workload {
  readonly attempts: Attempt[] = [];
  readonly requests: RequestRecord[] = [];
  readonly created = new Map<string, string>();
  /** Why requests got no answer (connection refused, reset …), as the client saw it. */
  readonly errors: string[] = [];
  /** Operations started so far (the fault injector paces itself by it). */
  started = 0;
  private readonly toStart: string[] = [];
  private readonly t0 = performance.now();
  private next = 0;
  private readonly draw: () => number;

  constructor(
    private readonly options: WorkloadOptions,
    seed = 1,
  ) {
    this.draw = random(seed);
  }

  /** Milliseconds since the workload was made. */
  elapsed(): number {
    return performance.now() - this.t0;
  }

  /** Runs the clients until every operation has been attempted. */
  async run(): Promise<WorkloadResult> {
    await Promise.all(Array.from({ length: this.options.concurrency }, () => this.client()));
    return { attempts: this.attempts, requests: this.requests, created: this.created };
  }

  private async client(): Promise<void> {
    while (this.started < this.options.operations) {
      const due = (this.started / this.options.rate) * 1000 - this.elapsed();
      this.started += 1;
      if (due > 0) await sleep(due);
      const ok = await this.operation(this.choose());
      // A client that got no useful answer waits a little before its next operation, as clients back off.
      if (!ok) await sleep(200);
    }
  }

  private choose(): RequestRecord['kind'] {
    let roll = this.draw() * 100;
    for (const [kind, weight] of MIX) {
      if (roll < weight) return kind === 'create' || this.created.size > 0 ? kind : 'create';
      roll -= weight;
    }
    return 'read';
  }

  private async operation(kind: RequestRecord['kind']): Promise<boolean> {
    const toStart = kind === 'transition' ? this.toStart.splice(Math.floor(this.draw() * this.toStart.length), 1)[0] : undefined;
    if (toStart) return this.transition(toStart);
    const ids = [...this.created.values()];
    const id = ids[Math.floor(this.draw() * ids.length)];
    if (kind === 'create' || kind === 'transition' || !id) return this.create();
    if (kind === 'comment') return this.comment(id);
    return (await this.request('read', 'GET', `/v1/incidents/${id}`)).status === 200;
  }

  private async create(): Promise<boolean> {
    const token = `${this.options.prefix}-${(this.next += 1)}`;
    const key = `create:${token}`;
    const body = { title: `${token} printer queue stalled`, description: 'Print jobs wait in the queue and never start.', impact: 2, urgency: 1 };
    let outcome: Outcome = 'indeterminate';
    for (let attempt = 1; attempt <= (this.options.createAttempts ?? 12); attempt += 1) {
      const answer = await this.request('create', 'POST', '/v1/incidents', body, { 'idempotency-key': token });
      outcome = outcomeOf(answer.status);
      this.attempts.push({ key, outcome });
      if (outcome === 'acknowledged') {
        const id = (answer.body as { id: string }).id;
        this.created.set(token, id);
        this.toStart.push(id);
        return true;
      }
      if (outcome === 'refused') return false;
      await sleep(500);
    }
    return false;
  }

  private async transition(id: string): Promise<boolean> {
    const answer = await this.request('transition', 'POST', `/v1/incidents/${id}/transitions`, { to: 'in_progress' });
    this.attempts.push({ key: `state:${id}`, outcome: outcomeOf(answer.status) });
    return answer.status === 200;
  }

  private async comment(id: string): Promise<boolean> {
    const token = `${this.options.prefix}-note-${(this.next += 1)}`;
    const answer = await this.request('comment', 'POST', `/v1/incidents/${id}/comments`, { body: `${token} checked the spooler`, visibility: 'internal' });
    this.attempts.push({ key: `comment:${token}`, outcome: outcomeOf(answer.status) });
    return answer.status === 201;
  }

  private async request(kind: RequestRecord['kind'], method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: unknown }> {
    const sentAt = performance.now();
    const record: RequestRecord = { kind, status: 0, contentType: '', sentAt: Math.round(sentAt - this.t0), ms: 0, hung: false };
    let parsed: unknown;
    try {
      const response = await fetch(`${this.options.gatewayUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${this.options.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(this.options.requestTimeoutMs),
      });
      record.status = response.status;
      record.contentType = response.headers.get('content-type')?.split(';')[0] ?? '';
      const text = await response.text();
      parsed = text && record.contentType.endsWith('json') ? JSON.parse(text) : text;
    } catch (error) {
      record.hung = (error as Error).name === 'TimeoutError';
      this.errors.push(String((error as Error).cause ?? error));
    }
    record.ms = Math.round(performance.now() - sentAt);
    this.requests.push(record);
    return { status: record.status, body: parsed };
  }
}

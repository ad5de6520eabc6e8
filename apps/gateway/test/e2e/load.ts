/**
 * A burst of mixed work through the gateway as clients send it: incidents opened and worked (assigned, started,
 * re-prioritised, resolved), CIs created, service requests submitted, reads in between; with the retries of a
 * careful client (same `Idempotency-Key` for creates, same `If-Match` for changes) or without any.
 */
import { type CreatedIncidentView, Impact, IncidentState, type IncidentView, ResolutionCode, Role, Urgency } from '@itsm/contracts';
import { mintToken } from '@itsm/testing';
import { GatewayClient, type Reply } from './client';

export const alice = mintToken({ sub: 'alice', name: 'Alice Smith', roles: [Role.Requester] }, { expiresInSeconds: 3_600 });
export const bob = mintToken({ sub: 'bob', name: 'Bob Jones', roles: [Role.Requester] }, { expiresInSeconds: 3_600 });
export const sam = mintToken({ sub: 'sam', name: 'Sam Agent', roles: [Role.Agent], groups: ['network'] }, { expiresInSeconds: 3_600 });
export const ada = mintToken({ sub: 'ada', name: 'Ada Admin', roles: [Role.Admin] }, { expiresInSeconds: 3_600 });

/** One HTTP call as the client saw it. */
export interface CallRecord {
  what: string;
  status: number;
  startedAt: number;
  endedAt: number;
}

/** What the burst meant to leave behind for one incident. */
export interface IntendedIncident {
  index: number;
  title: string;
  /** Set once the creation was answered. */
  id?: string;
  state: IncidentState;
  /** One for the creation and one for each change. */
  version: number;
}

export interface BurstOptions {
  /** A word in every title and name of this burst, to find what it made. */
  marker: string;
  /** Incidents opened at least; more while `continueUntil` is pending, up to `maxIncidents`. */
  incidents: number;
  maxIncidents?: number;
  continueUntil?: Promise<unknown>;
  cis: number;
  requests: number;
  /** The catalog item the service requests are for. */
  catalogItemId: string;
  /** Clients working at once. */
  concurrency: number;
  /** Send again what failed with a 5xx or no answer, as a client does after a timeout; without, a failure is final. */
  retry: boolean;
  /** How long a client keeps retrying one call. */
  retryForMs?: number;
}

/** Incident `i`'s life: which changes follow its creation. The mix gives every priority and several end states. */
function lifeOf(index: number): { impact: Impact; urgency: Urgency; changes: Array<{ kind: 'patch' | 'transition'; body: Record<string, unknown>; state?: IncidentState }> } {
  const levels = [Impact.High, Impact.Medium, Impact.Low] as const;
  const urgencies = [Urgency.High, Urgency.Medium, Urgency.Low] as const;
  const impact = levels[index % 3] ?? Impact.Low;
  const urgency = urgencies[Math.floor(index / 3) % 3] ?? Urgency.Low;
  const assign = { kind: 'patch' as const, body: { assignmentGroup: 'network', assigneeId: 'sam' } };
  const start = { kind: 'transition' as const, body: { to: IncidentState.InProgress }, state: IncidentState.InProgress };
  const reprioritise = { kind: 'patch' as const, body: { impact: Impact.High, urgency: urgency === Urgency.High ? Urgency.Medium : Urgency.High } };
  const resolve = {
    kind: 'transition' as const,
    body: { to: IncidentState.Resolved, resolutionCode: ResolutionCode.Workaround, resolutionNotes: 'Restarted the service.' },
    state: IncidentState.Resolved,
  };
  const lives = [[], [assign], [assign, start, resolve], [start, reprioritise], [assign, start]];
  return { impact, urgency, changes: lives[index % lives.length] ?? [] };
}

/** `extra` spread evenly among `base`. */
function interleave<T>(base: T[], extra: T[]): T[] {
  const merged: T[] = [];
  let taken = 0;
  base.forEach((item, i) => {
    merged.push(item);
    while (taken < extra.length && taken * base.length <= i * extra.length) merged.push(extra[taken++] as T);
  });
  return [...merged, ...extra.slice(taken)];
}

/** A running burst: `reached(n)` resolves once `n` calls were answered, `done` when every client has finished. */
export class Burst {
  readonly incidents: IntendedIncident[] = [];
  readonly cis = new Map<string, string | undefined>();
  readonly requests = new Map<string, string | undefined>();
  /** Every call, retries included. */
  readonly calls: CallRecord[] = [];
  /** Calls that did not succeed in the end (after the retries, when retrying). */
  readonly failures: CallRecord[] = [];
  readonly done: Promise<void>;
  private readonly waiters: Array<{ count: number; resolve: () => void }> = [];
  private continuing: boolean;

  constructor(
    private readonly client: GatewayClient,
    private readonly options: BurstOptions,
  ) {
    this.continuing = options.continueUntil !== undefined;
    void options.continueUntil?.finally(() => (this.continuing = false));
    const jobs = interleave(
      interleave(
        Array.from({ length: options.incidents }, (_, i) => () => this.incident(i)),
        Array.from({ length: options.cis }, (_, i) => () => this.ci(i)),
      ),
      Array.from({ length: options.requests }, (_, i) => () => this.request(i)),
    );
    let next = options.incidents;
    const take = (): (() => Promise<void>) | undefined => {
      const job = jobs.shift();
      if (job) return job;
      if (this.continuing && next < (options.maxIncidents ?? Number.POSITIVE_INFINITY)) {
        const index = next;
        next += 1;
        return () => this.incident(index);
      }
      return undefined;
    };
    const worker = async (): Promise<void> => {
      for (let job = take(); job; job = take()) await job();
    };
    this.done = Promise.all(Array.from({ length: options.concurrency }, worker)).then(() => undefined);
  }

  reached(count: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.calls.length >= count) resolve();
      else this.waiters.push({ count, resolve });
    });
  }

  /** Calls that were being answered at any moment between `from` and `to`. */
  callsBetween(from: number, to: number): CallRecord[] {
    return this.calls.filter((call) => call.endedAt >= from && call.startedAt <= to);
  }

  private record(call: CallRecord): void {
    this.calls.push(call);
    for (const waiter of this.waiters.filter((w) => this.calls.length >= w.count)) {
      this.waiters.splice(this.waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  }

  private retryable(status: number): boolean {
    return status === 0 || status >= 500;
  }

  /**
   * Sends one call; when retrying, again after a 5xx or no answer. `landed` tells, after such a failure, whether
   * the first attempt got through after all (a change answered 412 on its retry), giving its result.
   */
  private async send<T>(
    what: string,
    method: string,
    path: string,
    token: string,
    options: { body?: unknown; headers?: Record<string, string> },
    landed?: (reply: Reply<T>) => Promise<Reply<T> | undefined>,
  ): Promise<Reply<T> | undefined> {
    const deadline = Date.now() + (this.options.retryForMs ?? 60_000);
    let failedBefore = false;
    for (;;) {
      const startedAt = Date.now();
      const reply = await this.client.call<T>(method, path, token, options);
      const call = { what, status: reply.status, startedAt, endedAt: Date.now() };
      this.record(call);
      if (reply.status >= 200 && reply.status < 300) return reply;
      if (failedBefore && landed) {
        const result = await landed(reply);
        if (result) return result;
      }
      if (!this.options.retry || !this.retryable(reply.status) || Date.now() > deadline) {
        this.failures.push({ ...call, what: `${what}: ${JSON.stringify(reply.body)}` });
        return undefined;
      }
      failedBefore = true;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  private async incident(index: number): Promise<void> {
    const { marker } = this.options;
    const life = lifeOf(index);
    const intended: IntendedIncident = { index, title: `${marker} incident ${index}`, state: life.changes.reduce<IncidentState>((state, change) => change.state ?? state, IncidentState.New), version: 1 + life.changes.length };
    this.incidents.push(intended);
    const created = await this.send<CreatedIncidentView>(`create incident ${index}`, 'POST', '/v1/incidents', alice, {
      body: { title: intended.title, description: 'Opened by the scale-out burst.', impact: life.impact, urgency: life.urgency },
      headers: { 'idempotency-key': `${marker}-incident-${index}` },
    });
    if (!created) return;
    const id = created.body.id;
    intended.id = id;
    let version = created.body.version;
    await this.send(`read incident ${index}`, 'GET', `/v1/incidents/${id}`, sam, {});
    for (const [step, change] of life.changes.entries()) {
      const expected = version;
      const path = change.kind === 'patch' ? `/v1/incidents/${id}` : `/v1/incidents/${id}/transitions`;
      const changed = await this.send<IncidentView>(
        `change ${step} of incident ${index}`,
        change.kind === 'patch' ? 'PATCH' : 'POST',
        path,
        sam,
        { body: change.body, headers: { 'if-match': `"${expected}"` } },
        async (reply) => {
          // Nobody else changes these incidents: a 412 after a lost answer means that answer was a success.
          if (reply.status !== 412) return undefined;
          const now = await this.client.call<IncidentView>('GET', `/v1/incidents/${id}`, sam);
          return now.status === 200 && now.body.version === expected + 1 ? now : undefined;
        },
      );
      if (!changed) return;
      version = changed.body.version;
      if (step === 0) await this.send(`read clocks of incident ${index}`, 'GET', `/v1/sla/clocks?ticket=${id}`, sam, {});
    }
  }

  private async ci(index: number): Promise<void> {
    const name = `${this.options.marker}-app-${index}`;
    this.cis.set(name, undefined);
    const created = await this.send<{ id: string }>(`create CI ${index}`, 'POST', '/v1/cis', sam, {
      body: { className: 'application', name, environment: 'prod', ownerGroup: 'network' },
      headers: { 'idempotency-key': `${this.options.marker}-ci-${index}` },
    });
    if (created) this.cis.set(name, created.body.id);
  }

  private async request(index: number): Promise<void> {
    const key = `${this.options.marker}-request-${index}`;
    this.requests.set(key, undefined);
    const submitted = await this.send<{ id: string }>(`submit request ${index}`, 'POST', '/v1/requests', bob, {
      body: { itemId: this.options.catalogItemId, answers: { laptopModel: index % 2 === 0 ? 'standard-14' : 'developer-16' } },
      headers: { 'idempotency-key': key },
    });
    if (submitted) this.requests.set(key, submitted.body.id);
  }
}

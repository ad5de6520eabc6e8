import { randomUUID } from 'node:crypto';
import { connect, type NatsConnection } from 'nats';
import { type CloudEvent, IncidentEvents } from '@itsm/contracts';
import { ensureStreams } from '@itsm/messaging';
import { createLogger } from '@itsm/observability';
import { mintToken, resetStreams, TEST_JWT_SECRET, testNatsUrl, waitFor, testNatsOptions, testNatsCredentialsDir } from '@itsm/testing';
import { loadGatewayConfig } from '../src/config';
import { createGateway, type Gateway } from '../src/gateway';

interface Frame {
  id?: string;
  event?: string;
  data?: string;
}

/** Reads Server-Sent Events from a streaming fetch body. */
class SseReader {
  readonly frames: Frame[] = [];
  private buffer = '';
  /** Settles when the server ends the stream (or the client aborts it). */
  readonly done: Promise<void>;

  constructor(readonly response: Response) {
    const reader = response.body?.getReader();
    if (!reader) throw new Error('no body');
    const decoder = new TextDecoder();
    this.done = (async () => {
      for (;;) {
        const chunk = await reader.read().catch(() => ({ done: true, value: undefined }));
        if (chunk.done) return;
        this.buffer += decoder.decode(chunk.value, { stream: true });
        let end: number;
        while ((end = this.buffer.indexOf('\n\n')) >= 0) {
          const block = this.buffer.slice(0, end);
          this.buffer = this.buffer.slice(end + 2);
          const frame: Frame = {};
          for (const line of block.split('\n')) {
            const [field, ...rest] = line.split(': ');
            if (field === 'id' || field === 'event' || field === 'data') frame[field] = rest.join(': ');
          }
          if (frame.data !== undefined) this.frames.push(frame);
        }
      }
    })();
  }

  async next(count: number): Promise<Frame[]> {
    return waitFor(() => (this.frames.length >= count ? this.frames.slice(0, count) : undefined), { timeoutMs: 10_000, what: `${count} SSE frames` });
  }

  async close(abort: AbortController): Promise<void> {
    abort.abort();
    await this.done;
  }
}

function cloudEvent(type: string, subject = randomUUID()): CloudEvent {
  return { specversion: '1.0', id: randomUUID(), source: 'itsm/test', type, subject, time: new Date().toISOString(), datacontenttype: 'application/json', correlationid: randomUUID(), data: { subject } };
}

describe('live event stream (SSE)', () => {
  let gateway: Gateway;
  let baseUrl: string;
  let nc: NatsConnection;
  const agent = mintToken({ sub: 'sam', roles: ['agent'] }, { secret: TEST_JWT_SECRET, issuer: null });
  const aborts: AbortController[] = [];

  beforeAll(async () => {
    nc = await connect(testNatsOptions('sse-test'));
    await resetStreams(nc);
    await ensureStreams(await nc.jetstreamManager(), { replicas: 1, maxAgeDays: 1, duplicateWindowSeconds: 120, maxBytes: -1 });
    const config = loadGatewayConfig({ NATS_URL: testNatsUrl(), NATS_CREDENTIALS_DIR: testNatsCredentialsDir(), JWT_SECRET: TEST_JWT_SECRET, LOG_LEVEL: 'silent' });
    gateway = await createGateway(config, createLogger('gateway', config.LOG_LEVEL));
    await gateway.app.listen({ port: 0, host: '127.0.0.1' });
    const address = gateway.app.getHttpServer().address();
    if (!address || typeof address === 'string') throw new Error('gateway is not listening on a TCP port');
    baseUrl = `http://127.0.0.1:${address.port}`;
  });

  afterAll(async () => {
    for (const abort of aborts) abort.abort();
    await gateway?.close();
    await nc?.drain();
  });

  async function open(query = '', headers: Record<string, string> = {}, token = agent): Promise<{ sse: SseReader; abort: AbortController }> {
    const abort = new AbortController();
    aborts.push(abort);
    const response = await fetch(`${baseUrl}/v1/events/stream${query}`, { headers: { authorization: `Bearer ${token}`, ...headers }, signal: abort.signal });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    return { sse: new SseReader(response), abort };
  }

  async function publish(event: CloudEvent, subject: string): Promise<number> {
    return (await nc.jetstream().publish(subject, JSON.stringify(event))).seq;
  }

  it('sends new events with their stream sequence as id, filtered by type, and resumes after Last-Event-ID', async () => {
    const { sse, abort } = await open(`?types=${IncidentEvents.created.type}`);
    await new Promise((resolve) => setTimeout(resolve, 300)); // the consumer is in place
    const first = cloudEvent(IncidentEvents.created.type);
    const firstSeq = await publish(first, IncidentEvents.created.subject);
    await publish(cloudEvent('itsm.problem.created.v1'), 'itsm.events.problem.created.v1');
    const second = cloudEvent(IncidentEvents.created.type);
    const secondSeq = await publish(second, IncidentEvents.created.subject);

    const frames = await sse.next(2);
    expect(frames.map((frame) => [frame.id, frame.event, (JSON.parse(frame.data ?? '{}') as CloudEvent).id])).toEqual([
      [String(firstSeq), IncidentEvents.created.type, first.id],
      [String(secondSeq), IncidentEvents.created.type, second.id],
    ]);
    await sse.close(abort);

    // Reconnecting after the first event gets the second again, and only what came after.
    const resumed = await open(`?types=${IncidentEvents.created.type}`, { 'last-event-id': String(firstSeq) });
    const [again] = await resumed.sse.next(1);
    expect(again?.id).toBe(String(secondSeq));
    await resumed.sse.close(resumed.abort);
  });

  it('names an unknown type in a 400 problem', async () => {
    const response = await fetch(`${baseUrl}/v1/events/stream?types=itsm.nothing.v1`, { headers: { authorization: `Bearer ${agent}` } });
    expect(response.status).toBe(400);
    await expect(response.json()).resolves.toMatchObject({ code: 'VALIDATION', errors: [expect.objectContaining({ field: 'types' })] });
  });

  it('is not for requesters', async () => {
    const requester = mintToken({ sub: 'alice', roles: ['requester'] }, { secret: TEST_JWT_SECRET, issuer: null });
    const response = await fetch(`${baseUrl}/v1/events/stream`, { headers: { authorization: `Bearer ${requester}` } });
    expect(response.status).toBe(403);
  });

  it('ends open streams when the gateway shuts down, instead of waiting for the clients', async () => {
    const { sse } = await open();
    const closed = gateway.close();
    await expect(Promise.race([closed.then(() => 'closed'), new Promise((resolve) => setTimeout(() => resolve('still waiting'), 8_000))])).resolves.toBe('closed');
    await expect(sse.done).resolves.toBeUndefined();
  });
});

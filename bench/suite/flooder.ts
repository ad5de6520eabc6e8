/**
 * A client flooding the gateway, as a process of its own: the benchmark of the rate limits and the reliability suite
 * measure a quiet client beside it, and a flood sent from the measuring process would slow that process down and
 * measure it instead of the gateway.
 */
import { spawnNode } from '@itsm/testing';

/** What the flood reads unless told otherwise: an incident that need not exist (the answer is a 404 within quota). */
const DEFAULT_PATH = '/v1/incidents/00000000-0000-4000-8000-000000000001';

/** The end of both flooders: on SIGTERM stop sending, wait (5 s at most) for the answers, print the count per status and the requests sent. */
const REPORT_WHEN_STOPPED = `
process.on('SIGTERM', () => {
  clearInterval(timer);
  const stoppedAt = Date.now();
  const report = setInterval(() => {
    if (answered < sent && Date.now() - stoppedAt < 5000) return;
    clearInterval(report);
    console.log(JSON.stringify({ statuses, sent }));
    process.exit(0);
  }, 50);
});
`;

/**
 * The flooding client, run as `node -e`: FLOOD_RATE GETs of FLOOD_PATH a second (sent in slices every 10 ms, not
 * waiting for answers) spread over FLOOD_URLS, until SIGTERM; then it waits for the answers still coming (5 s at
 * most) and prints the count per status and the requests sent as JSON.
 */
const FLOODER = `
const urls = process.env.FLOOD_URLS.split(',');
const path = process.env.FLOOD_PATH;
const headers = { authorization: 'Bearer ' + process.env.FLOOD_TOKEN };
const perSlice = Math.max(1, Math.round(Number(process.env.FLOOD_RATE) / 100));
const statuses = {};
let sent = 0;
let answered = 0;
const timer = setInterval(() => {
  for (let i = 0; i < perSlice; i++) {
    const url = urls[sent++ % urls.length] + path;
    fetch(url, { headers })
      .then((r) => { statuses[r.status] = (statuses[r.status] || 0) + 1; return r.arrayBuffer(); })
      .catch(() => { statuses.error = (statuses.error || 0) + 1; })
      .finally(() => { answered++; });
  }
}, 10);
` + REPORT_WHEN_STOPPED;

/**
 * The same flood written on FLOOD_CONNECTIONS kept-alive connections to each of FLOOD_URLS, pipelined, with the
 * answers read off the sockets (status line and Content-Length) instead of through fetch. The gateway receives the
 * same requests; the flooding process costs a fraction of the CPU fetch takes for them, which on a machine the
 * gateway shares with it would otherwise be most of what the flood costs.
 */
const SOCKET_FLOODER = `
const net = require('node:net');
const targets = process.env.FLOOD_URLS.split(',').map((url) => new URL(url));
const request = (target) => Buffer.from('GET ' + process.env.FLOOD_PATH + ' HTTP/1.1\\r\\nHost: ' + target.host + '\\r\\nAuthorization: Bearer ' + process.env.FLOOD_TOKEN + '\\r\\n\\r\\n');
const perSlice = Math.max(1, Math.round(Number(process.env.FLOOD_RATE) / 100));
const statuses = {};
let sent = 0;
let answered = 0;
const count = (status, n = 1) => { statuses[status] = (statuses[status] || 0) + n; answered += n; };
const sockets = targets.flatMap((target) => Array.from({ length: Number(process.env.FLOOD_CONNECTIONS) }, () => {
  const socket = net.connect(Number(target.port), target.hostname);
  const entry = { socket, bytes: request(target), pending: 0, buffer: Buffer.alloc(0) };
  socket.setNoDelay(true);
  socket.on('data', (chunk) => {
    entry.buffer = entry.buffer.length ? Buffer.concat([entry.buffer, chunk]) : chunk;
    for (;;) {
      const end = entry.buffer.indexOf('\\r\\n\\r\\n');
      if (end < 0) return;
      const head = entry.buffer.subarray(0, end).toString('latin1');
      const length = Number((/\\r\\ncontent-length: *(\\d+)/i.exec(head) || [])[1] || 0);
      if (entry.buffer.length < end + 4 + length) return;
      entry.buffer = entry.buffer.subarray(end + 4 + length);
      entry.pending--;
      count(head.slice(9, 12));
    }
  });
  socket.on('error', () => undefined);
  socket.on('close', () => { if (entry.pending > 0) count('error', entry.pending); entry.pending = 0; entry.closed = true; });
  return entry;
}));
const timer = setInterval(() => {
  for (let i = 0; i < perSlice; i++) {
    const entry = sockets[sent++ % sockets.length];
    if (entry.closed) { count('error'); continue; }
    entry.pending++;
    entry.socket.write(entry.bytes);
  }
}, 10);
` + REPORT_WHEN_STOPPED;

export interface FloodOptions {
  /** Base URLs of the gateway replicas, taken in turn. */
  urls: readonly string[];
  /** The flooding client's bearer token. */
  token: string;
  /** Requests a second. */
  rate: number;
  /** Path every request reads. */
  path?: string;
  /**
   * Pipelined connections per URL written directly (SOCKET_FLOODER) instead of fetch; unset: fetch, which opens a
   * connection per request in flight.
   */
  connections?: number;
}

export interface FloodResult {
  /** Answers per HTTP status; `error` counts requests that failed without one. */
  statuses: Record<string, number>;
  /** Requests sent; those beyond the counted statuses had no answer 5 s after the flood stopped. */
  sent: number;
}

export interface Flood {
  /** The flooding process's id, to read what it costs (`cpuMs`). */
  pid: number | undefined;
  /** Stops the flood and gives what it sent and what came back. */
  stop(): Promise<FloodResult>;
}

export function startFlood(options: FloodOptions): Flood {
  const env = { FLOOD_URLS: options.urls.join(','), FLOOD_PATH: options.path ?? DEFAULT_PATH, FLOOD_TOKEN: options.token, FLOOD_RATE: String(options.rate) };
  const flooder = options.connections === undefined ? spawnNode(['-e', FLOODER], env) : spawnNode(['-e', SOCKET_FLOODER], { ...env, FLOOD_CONNECTIONS: String(options.connections) });
  return {
    pid: flooder.child.pid,
    async stop() {
      const code = await flooder.kill('SIGTERM');
      const last = flooder.output().trim().split('\n').at(-1) ?? '';
      if (code !== 0 || !last.startsWith('{')) throw new Error(`the flooding process exited with ${code}:\n${flooder.output()}`);
      return JSON.parse(last) as FloodResult;
    },
  };
}

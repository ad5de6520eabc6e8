/**
 * Benchmark of consuming a backlog: the notification service as a real process (from its build) on a private
 * PostgreSQL (`fsync` on) and NATS, and `--events` `incident.created.v1` events (as the incident service publishes
 * them) published at once; how long its two consumers of every event (`notification-dispatch`, with no subscription
 * to match, and `notification-event-log`) take until each has handled them all, events per second per consumer, and
 * the notification process's CPU per event. What a burst of events (an import, an alert storm) costs the consumers
 * of every event, without the rest of the suite beside them.
 *
 *   npm run bench -- drain [--events 20000] [--runs 2]
 *
 * BENCH_NODE_ARGS (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`) is passed to the notification process.
 */
import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { IncidentEvents } from '@itsm/contracts';
import { buildIncidentView, connectTestNats, createTestDatabase, freePort, resetStreams, serviceTestEnv, spawnApp, testEnvelope, waitUntilReady } from '@itsm/testing';
import { cpuMs, option, startInfra } from './bench-kit';

/** Publishes awaiting their acknowledgement at once. */
const PUBLISH_WINDOW = 256;

interface Run {
  events: number;
  publishMs: number;
  idleAfterMs: Record<string, number>;
  eventsPerSecondPerConsumer: number;
  cpuMsPerEvent: number;
}

async function main(): Promise<void> {
  const events = option('events', 20_000);
  const runs = option('runs', 2);
  const infra = await startInfra('drain');
  const nodeArgs = (process.env['BENCH_NODE_ARGS'] ?? '').split(' ').filter(Boolean);
  const nc = await connectTestNats('bench-drain');
  const results: Run[] = [];
  try {
    for (let run = 0; run < runs; run += 1) {
      // Every run on a fresh database and stream, so the runs share nothing but the machine.
      await resetStreams(nc);
      const database = run === 0 ? infra.database : await createTestDatabase();
      const port = await freePort();
      const service = spawnApp('notification', serviceTestEnv(database, { HEALTH_PORT: String(port), LOG_LEVEL: 'warn' }), nodeArgs);
      try {
        await waitUntilReady(service, port);
        const bodies = Array.from({ length: events }, () => {
          const incident = buildIncidentView({});
          const event = testEnvelope(IncidentEvents.created, incident.id, incident);
          return { id: event.id, body: JSON.stringify(event) };
        });
        const js = nc.jetstream();
        const jsm = await nc.jetstreamManager();
        const cpuBefore = cpuMs(service.child.pid);
        const t0 = performance.now();
        let next = 0;
        await Promise.all(
          Array.from({ length: PUBLISH_WINDOW }, async () => {
            for (let item = bodies[next++]; item !== undefined; item = bodies[next++]) await js.publish(IncidentEvents.created.subject, item.body, { msgID: item.id });
          }),
        );
        const publishMs = performance.now() - t0;
        const idleAfterMs: Record<string, number> = {};
        for (;;) {
          let busy = 0;
          for await (const stream of jsm.streams.list()) {
            for await (const consumer of jsm.consumers.list(stream.config.name)) {
              if (!consumer.config.durable_name) continue;
              const left = consumer.num_pending + consumer.num_ack_pending;
              busy += left;
              if (left === 0 && idleAfterMs[consumer.name] === undefined) idleAfterMs[consumer.name] = Math.round(performance.now() - t0);
            }
          }
          if (busy === 0) break;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        const ms = performance.now() - t0;
        const result: Run = {
          events,
          publishMs: Math.round(publishMs),
          idleAfterMs,
          eventsPerSecondPerConsumer: Math.round((events / ms) * 1000),
          cpuMsPerEvent: +((cpuMs(service.child.pid) - cpuBefore) / events).toFixed(3),
        };
        results.push(result);
        process.stderr.write(`run ${run + 1}: ${JSON.stringify(result)}\n`);
      } finally {
        await service.kill('SIGTERM');
        if (run > 0) await database.drop().catch(() => undefined);
      }
    }
  } finally {
    await nc.close();
    await infra.stop();
  }
  console.log('| Run | Events | Published in ms | Both consumers idle after ms | Events/s per consumer | notification CPU ms per event (both consumers) |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const [i, r] of results.entries()) console.log(`| ${i + 1} | ${r.events} | ${r.publishMs} | ${Math.max(...Object.values(r.idleAfterMs))} | ${r.eventsPerSecondPerConsumer} | ${r.cpuMsPerEvent} |`);
  const dir = join(__dirname, 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `drain-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify({ results }, null, 2));
  console.log(`\nresults in ${file}`);
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

/**
 * The limits of this machine, measured in the same run as the scenarios so every figure can be read as a share of
 * what the hardware allows:
 *
 * - PostgreSQL: pgbench with 8 connections, each transaction one single-row INSERT into a copy of the incident
 *   table (its columns, defaults, constraints and indexes: `LIKE … INCLUDING ALL`), the row taken from a real
 *   incident with its unique columns made unique; the server is the suite's own, fsync on.
 * - JetStream: acknowledged publishes per second to a file-backed stream, pipelined (up to 256 awaiting their
 *   ack), each message the size of a real incident-created envelope.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { RetentionPolicy, StorageType } from 'nats';
import type { Suite } from './cluster';
import type { Limits } from './report';

const run = promisify(execFile);

export async function measureInsertLimit(suite: Suite, seconds: number): Promise<number> {
  const db = suite.database;
  await db.query(`DROP SCHEMA IF EXISTS bench_limits CASCADE`);
  await db.query(`CREATE SCHEMA bench_limits`);
  await db.query(`CREATE TABLE bench_limits.incidents (LIKE incident.incidents INCLUDING ALL)`);
  await db.query(`CREATE TABLE bench_limits.template AS SELECT * FROM incident.incidents ORDER BY created_at DESC LIMIT 1`);
  const [count] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM bench_limits.template`);
  if (!count?.n) throw new Error('the insert limit needs one incident to copy: create one first');
  await db.query(`CREATE SEQUENCE bench_limits.seq`);
  const columns = await db.query<{ name: string; type: string; isUnique: boolean }>(
    `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type,
            EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = a.attrelid AND i.indisunique AND a.attnum = ANY (i.indkey)) AS "isUnique"
       FROM pg_attribute a
      WHERE a.attrelid = 'bench_limits.incidents'::regclass AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
      ORDER BY a.attnum`,
  );
  const expression = (c: { name: string; type: string; isUnique: boolean }) => {
    if (!c.isUnique) return `"${c.name}"`;
    if (c.type === 'uuid') return 'gen_random_uuid()';
    if (c.type === 'text' || c.type.startsWith('character')) return `"${c.name}" || '-' || nextval('bench_limits.seq')`;
    return `nextval('bench_limits.seq')::${c.type}`;
  };
  const script = join(suite.dir, 'insert-limit.sql');
  writeFileSync(script, `INSERT INTO bench_limits.incidents (${columns.map((c) => `"${c.name}"`).join(', ')}) SELECT ${columns.map(expression).join(', ')} FROM bench_limits.template;\n`);
  const { stdout } = await run('pgbench', ['-n', '-c', '8', '-j', '2', '-T', String(seconds), '-f', script, suite.database.url], { maxBuffer: 1 << 20 });
  const tps = /tps = ([\d.]+) \(without initial connection time\)/.exec(stdout)?.[1];
  await db.query(`DROP SCHEMA bench_limits CASCADE`);
  if (!tps) throw new Error(`pgbench printed no rate:\n${stdout}`);
  return Math.round(Number(tps));
}

export async function measurePublishLimit(suite: Suite, messages: number, envelopeBytes: number): Promise<number> {
  const jsm = await suite.nc.jetstreamManager();
  const js = suite.nc.jetstream();
  const name = 'BENCH_LIMITS';
  await jsm.streams.add({ name, subjects: ['bench.limits.>'], storage: StorageType.File, retention: RetentionPolicy.Limits });
  try {
    const payload = new Uint8Array(envelopeBytes).fill(120);
    const window = 256;
    const inFlight = new Set<Promise<unknown>>();
    const t0 = performance.now();
    for (let i = 0; i < messages; i += 1) {
      const ack: Promise<unknown> = js.publish(`bench.limits.${i % 64}`, payload).then((): void => {
        inFlight.delete(ack);
      });
      inFlight.add(ack);
      if (inFlight.size >= window) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
    return Math.round((messages / (performance.now() - t0)) * 1000);
  } finally {
    await jsm.streams.delete(name);
  }
}

export async function measureLimits(suite: Suite, quick: boolean): Promise<Limits> {
  const [envelope] = await suite.database.query<{ bytes: number }>(`SELECT coalesce(avg(octet_length(envelope::text)), 1024)::int AS bytes FROM incident.outbox`);
  return {
    insertsPerSecond: await measureInsertLimit(suite, quick ? 5 : 15),
    publishesPerSecond: await measurePublishLimit(suite, quick ? 5_000 : 30_000, envelope?.bytes ?? 1024),
  };
}

/**
 * A service desk's year of incidents written straight into `incident.incidents` with `INSERT … SELECT … FROM
 * generate_series`, in the shape the incident service writes them: priority from the ITIL impact × urgency matrix
 * (the service's default), numbers from `incident_number_seq` (advanced past the seeded block so new incidents
 * never collide), states consistent with their timestamps and versions, and no resolved incident older than the
 * auto-close period (the auto-close job would otherwise close thousands during the measurement).
 *
 * Ids are a function of the row's position (`seededIncidentId`), so a load can read any seeded incident without
 * holding a million ids. The other services never saw these incidents: their first event about one is whatever
 * the load does to it.
 */
import { createHash } from 'node:crypto';
import { Client } from 'pg';
import type { TestDatabase } from '@itsm/testing';

export interface SeededIncidents {
  /** Rows written. */
  count: number;
  /** The prefix of the seeded ids (see {@link seededIncidentId}). */
  idPrefix: string;
  /** The number of the first seeded incident (`INC` + this, padded). */
  firstNumber: number;
  /** Wall time of the inserts, the sequence and `VACUUM ANALYZE`, in ms. */
  seedMs: number;
}

/** Assignment groups of the seeded desk; routing of new incidents may add others. */
export const SEEDED_GROUPS = ['service-desk', 'network-ops', 'database', 'identity', 'workplace', 'finance-apps', 'hr-apps', 'messaging', 'storage', 'security', 'field-services', 'cloud-platform'] as const;
export const SEEDED_CATEGORIES = ['network', 'hardware', 'software', 'access', 'email', 'database', 'application', 'security'] as const;
/** What titles are made of: "<component> <symptom> in building <n>". */
export const SEEDED_COMPONENTS = [
  'VPN', 'Outlook', 'Printer', 'Laptop', 'Wi-Fi', 'SAP', 'Payroll portal', 'Teams', 'SharePoint', 'Badge reader',
  'Database', 'File share', 'Jira', 'Salesforce', 'Citrix', 'Desk phone', 'Monitor', 'Docking station', 'Mailbox', 'Password reset',
  'Expense tool', 'CRM', 'Intranet', 'Scanner', 'Projector', 'Backup job', 'Firewall', 'Load balancer', 'DNS', 'Kubernetes cluster',
] as const;
export const SEEDED_SYMPTOMS = [
  'does not start', 'is slow', 'drops every few minutes', 'shows error 500', 'cannot connect', 'freezes', 'crashes on login', 'times out',
  'denies access', 'shows missing data', 'keeps asking for the password', 'is unreachable', 'prints blank pages', 'loses the session',
  'rejects the certificate', 'reports a full disk', 'sends duplicate mails', 'hangs at startup', 'shows a blue screen', 'syncs nothing',
] as const;
const NOTES = [
  'Started this morning after the update.', 'Several colleagues see the same.', 'Restarting did not help.', 'Happens only on the guest network.',
  'Worked yesterday.', 'Urgent before the quarter close.', 'Error code 0x80070005 in the log.', 'Only with the new badge.',
] as const;
/** CIs and services the seeded incidents point at (ids made the same way as incident ids). */
export const SEEDED_CI_COUNT = 2000;
const SEEDED_SERVICE_COUNT = 20;
export const SEEDED_CALLERS = 20_000;
export const SEEDED_AGENTS = 200;
/** Rows per INSERT statement: progress can be logged and no statement holds a million rows of WAL at once. */
const BATCH = 250_000;

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;
const sqlArray = (values: readonly string[]) => `ARRAY[${values.map((v) => `'${v.replace(/'/g, "''")}'`).join(', ')}]`;
/** `values[1 + floor(u · n)]` in SQL: a uniform pick driven by the random column `u`. */
const pick = (values: readonly string[], u: string) => `(${sqlArray(values)})[1 + floor(${u} * ${values.length})::int]`;
/** A version-4-shaped uuid from an md5 in SQL, the twin of {@link uuidFrom}. */
const sqlUuid = (text: string) => `(SELECT (substr(h, 1, 8) || '-' || substr(h, 9, 4) || '-4' || substr(h, 14, 3) || '-8' || substr(h, 18, 3) || '-' || substr(h, 21, 12))::uuid FROM md5(${text}) AS h)`;

/** A version-4-shaped uuid from the md5 of `text`: the same value `sqlUuid` computes in the database. */
export function uuidFrom(text: string): string {
  const h = createHash('md5').update(text).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The id of the `position`-th seeded incident (1-based). */
export function seededIncidentId(seed: Pick<SeededIncidents, 'idPrefix'>, position: number): string {
  return uuidFrom(`${seed.idPrefix}${position}`);
}

export const seededCiId = (position: number): string => uuidFrom(`seed-ci:${position}`);

/**
 * Writes `count` incidents created over the past year, then `VACUUM ANALYZE`. States by age: the past week is the
 * live queue (new, in progress, on hold, resolved); older ones are mostly closed, canceled or merged, with a
 * backlog of open ones left behind.
 */
export async function seedIncidents(database: TestDatabase, count: number, log: (line: string) => void = () => undefined): Promise<SeededIncidents> {
  const t0 = performance.now();
  // Reserve the block of numbers first: creates during or after the seeding take numbers past it.
  const [reserved] = await database.query<{ first: string }>(
    `SELECT setval('incident.incident_number_seq', nextval('incident.incident_number_seq') + $1 - 1) - $1 + 1 AS first`,
    [count],
  );
  const firstNumber = Number(reserved?.first);
  const idPrefix = `seed-incident:${firstNumber}:`;
  // A bulk load into a table with a dozen indexes (two of them GIN) updates each index row by row; building them
  // once afterwards is several times faster. The indexes that back constraints stay, so every row is checked as it
  // goes in; the others are dropped and created again from their own definitions, as the migrations left them.
  const secondary = await database.query<{ name: string; definition: string }>(
    `SELECT i.indexname AS name, i.indexdef AS definition FROM pg_indexes i
      WHERE i.schemaname = 'incident' AND i.tablename = 'incidents'
        AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = format('%I.%I', i.schemaname, i.indexname)::regclass)
      ORDER BY i.indexname`,
  );
  for (const index of secondary) await database.query(`DROP INDEX incident.${quoteIdent(index.name)}`);
  try {
    for (let from = 1; from <= count; from += BATCH) {
      const to = Math.min(count, from + BATCH - 1);
      await database.query(insertStatement(idPrefix, firstNumber, from, to));
      log(`seeded incidents ${to}/${count} (${Math.round((performance.now() - t0) / 1000)} s)`);
    }
  } finally {
    await buildIndexes(database.url, secondary.map((index) => index.definition));
  }
  log(`indexes built again (${Math.round((performance.now() - t0) / 1000)} s)`);
  await database.query(`VACUUM ANALYZE incident.incidents`);
  return { count, idPrefix, firstNumber, seedMs: Math.round(performance.now() - t0) };
}

/**
 * Creates the indexes on two connections: the full-text GIN index (the slowest by far: it parses every title and
 * description) on one, all the others on the other, so that two cores work.
 */
async function buildIndexes(url: string, definitions: string[]): Promise<void> {
  const lanes = [definitions.filter((d) => d.includes('to_tsvector')), definitions.filter((d) => !d.includes('to_tsvector'))];
  await Promise.all(
    lanes.map(async (lane) => {
      const client = new Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`SET maintenance_work_mem = '256MB'`);
        for (const definition of lane) await client.query(definition);
      } finally {
        await client.end();
      }
    }),
  );
}

/**
 * One INSERT of positions `from`..`to`. Layer `r` draws the random numbers (OFFSET 0 keeps the planner from
 * inlining it, which would draw them again at every use), `s` derives state and timestamps, the outer SELECT
 * the columns.
 */
function insertStatement(idPrefix: string, firstNumber: number, from: number, to: number): string {
  const live = `s.created_at > now() - interval '7 days'`;
  return `
INSERT INTO incident.incidents (
  id, number, title, description, category, subcategory, impact, urgency, priority, priority_overridden, state, hold_reason,
  resolution_code, resolution_notes, caller_id, caller_name, caller_groups, opened_by_id, channel, assignment_group, assignee_id,
  reassignment_count, service_id, ci_ids, major, parent_id, problem_id, change_ids, suggested_articles, suggestions_version,
  merged_into_id, reopen_count, opened_at, responded_at, resolved_at, closed_at, created_at, updated_at, version)
SELECT
  ${sqlUuid(`'${idPrefix}' || s.g`)},
  'INC' || lpad((${firstNumber} + s.g - 1)::text, greatest(7, length((${firstNumber} + s.g - 1)::text)), '0'),
  s.component || ' ' || s.symptom || ' in building ' || (1 + floor(s.u_building * 40)::int),
  'Reported by ' || s.caller || ' on asset ws-' || lpad((1 + floor(s.u_asset * 50000)::int)::text, 5, '0') || '. ' || ${pick(NOTES, 's.u_note')},
  s.category,
  CASE WHEN s.u_note < 0.5 THEN s.category || '-' || (1 + floor(s.u_asset * 4)::int) END,
  s.impact, s.urgency, 'P' || (s.impact + s.urgency - 1), false, s.state,
  CASE WHEN s.state = 'on_hold' THEN ${pick(['awaiting_caller', 'awaiting_change', 'awaiting_vendor'], 's.u_note')} END,
  CASE WHEN s.resolved_at IS NOT NULL THEN ${pick(['permanent_fix', 'workaround', 'resolved_by_caller', 'not_reproducible', 'known_error'], 's.u_note')} END,
  CASE WHEN s.resolved_at IS NOT NULL THEN 'Fixed: ' || lower(s.component) || ' back to normal.' END,
  s.caller, 'User ' || substr(s.caller, 6), CASE WHEN s.u_asset < 0.01 THEN '{vip}'::text[] ELSE '{}'::text[] END,
  CASE WHEN s.channel = 'api' THEN s.agent ELSE s.caller END, s.channel,
  CASE WHEN s.state <> 'new' OR s.u_group < 0.5 THEN ${pick(SEEDED_GROUPS, 's.u_group')} END,
  CASE WHEN s.state NOT IN ('new', 'canceled', 'merged') THEN s.agent END,
  CASE WHEN s.state = 'new' THEN 0 ELSE floor(s.u_state * 10)::int % 3 END,
  CASE WHEN s.u_ci < 0.5 THEN ${sqlUuid(`'seed-service:' || (1 + floor(s.u_ci * ${SEEDED_SERVICE_COUNT * 2})::int % ${SEEDED_SERVICE_COUNT})`)} END,
  CASE WHEN s.u_ci < 0.6 THEN ARRAY[${sqlUuid(`'seed-ci:' || (1 + floor(s.u_asset * ${SEEDED_CI_COUNT})::int)`)}] ELSE '{}'::uuid[] END,
  s.u_state < 0.0005, NULL, NULL, '{}'::uuid[], '[]'::jsonb, NULL,
  CASE WHEN s.state = 'merged' THEN ${sqlUuid(`'${idPrefix}' || greatest(1, s.g - 1 - floor(s.u_note * 50)::int)`)} END,
  0, s.created_at, s.responded_at, s.resolved_at, s.closed_at, s.created_at,
  greatest(s.created_at, coalesce(s.closed_at, s.resolved_at, s.responded_at, s.created_at)),
  CASE s.state WHEN 'new' THEN 1 WHEN 'in_progress' THEN 2 WHEN 'on_hold' THEN 3 WHEN 'resolved' THEN 4 WHEN 'closed' THEN 5 ELSE 2 END
FROM (
  SELECT t.*,
    CASE WHEN t.state NOT IN ('new', 'canceled', 'merged') THEN least(now(), t.created_at + t.u_time * interval '4 hours') END AS responded_at,
    CASE WHEN t.state = 'resolved' THEN t.created_at + (now() - t.created_at) * (0.5 + t.u_time / 2)
         WHEN t.state = 'closed' THEN t.created_at + t.u_time * interval '3 days' END AS resolved_at,
    CASE WHEN t.state = 'closed' THEN least(now(), t.created_at + t.u_time * interval '3 days' + t.u_note * interval '7 days')
         WHEN t.state IN ('canceled', 'merged') THEN least(now(), t.created_at + t.u_time * interval '2 days') END AS closed_at
  FROM (
    SELECT r.*,
      CASE WHEN ${live.replace(/s\./g, 'r.')} THEN
        CASE WHEN r.u_state < 0.30 THEN 'new' WHEN r.u_state < 0.65 THEN 'in_progress' WHEN r.u_state < 0.75 THEN 'on_hold' ELSE 'resolved' END
      ELSE
        CASE WHEN r.u_state < 0.02 THEN 'new' WHEN r.u_state < 0.06 THEN 'in_progress' WHEN r.u_state < 0.08 THEN 'on_hold'
             WHEN r.u_state < 0.93 THEN 'closed' WHEN r.u_state < 0.98 THEN 'canceled' ELSE 'merged' END
      END AS state,
      ${pick(SEEDED_COMPONENTS, 'r.u_title')} AS component,
      ${pick(SEEDED_SYMPTOMS, 'r.u_symptom')} AS symptom,
      ${pick(SEEDED_CATEGORIES, 'r.u_title')} AS category,
      ${pick(['portal', 'email', 'api', 'monitoring'], 'r.u_channel')} AS channel,
      CASE WHEN r.u_impact < 0.1 THEN 1 WHEN r.u_impact < 0.4 THEN 2 ELSE 3 END AS impact,
      CASE WHEN r.u_urgency < 0.15 THEN 1 WHEN r.u_urgency < 0.6 THEN 2 ELSE 3 END AS urgency
    FROM (
      SELECT g, now() - random() * interval '365 days' AS created_at,
        random() AS u_state, random() AS u_time, random() AS u_title, random() AS u_symptom, random() AS u_note,
        random() AS u_asset, random() AS u_building, random() AS u_group, random() AS u_ci, random() AS u_channel,
        random() AS u_impact, random() AS u_urgency,
        'user-' || (1 + floor(random() * ${SEEDED_CALLERS})::int) AS caller,
        'agent-' || (1 + floor(random() * ${SEEDED_AGENTS})::int) AS agent
      FROM generate_series(${from}, ${to}) AS g
      OFFSET 0
    ) AS r
  ) AS t
) AS s`;
}

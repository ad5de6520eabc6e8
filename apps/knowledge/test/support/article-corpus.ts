/**
 * Published knowledge articles written straight into the knowledge schema, as the service stores them once a
 * version is approved: one `articles` row and one published `article_versions` row each (the trigger fills the
 * search vector). {@link publishedArticleStatement} writes one article of known text for a test;
 * {@link corpusStatements} generates many of realistic service-desk text in PostgreSQL (generate_series and a
 * seeded random(), so the same options give the same corpus) for the search benchmark and the index-use test.
 */
import { randomUUID } from 'node:crypto';
import { ArticleAudience, ArticleLanguage } from '@itsm/contracts';

export interface PublishedArticleInput {
  title: string;
  body?: string;
  summary?: string;
  category?: string | null;
  tags?: string[];
  serviceIds?: string[];
  ciIds?: string[];
  audience?: ArticleAudience;
  language?: ArticleLanguage;
  publishedAt?: Date;
  helpfulCount?: number;
  notHelpfulCount?: number;
  linkCount?: number;
}

/** The rows of one published article (version 1), and its id and number. */
export function publishedArticleStatement(input: PublishedArticleInput): { id: string; sql: string; params: unknown[] } {
  const id = randomUUID();
  const publishedAt = input.publishedAt ?? new Date();
  const sql = `
    WITH article AS (
      INSERT INTO knowledge.articles (id, number, state, owner_id, latest_version, published_version, helpful_count, not_helpful_count, link_count, published_at, created_at, updated_at, version)
      VALUES ($1, 'KB' || lpad(nextval('knowledge.article_number_seq')::text, 7, '0'), 'published', 'sam', 1, 1, $2, $3, $4, $5, $5, $5, 1)
      RETURNING id, number
    )
    INSERT INTO knowledge.article_versions (article_id, number, state, title, body, body_html, summary, category, tags, service_ids, ci_ids, audience, language, author_id, reviewed_by_id, submitted_at, published_at, created_at)
    SELECT article.id, 1, 'published', $6, $7, '', $8, $9, $10, $11, $12, $13, $14, 'sam', 'maria', $5, $5, $5 FROM article
    RETURNING article_id`;
  const params = [
    id,
    input.helpfulCount ?? 0,
    input.notHelpfulCount ?? 0,
    input.linkCount ?? 0,
    publishedAt.toISOString(),
    input.title,
    input.body ?? '',
    input.summary ?? '',
    input.category ?? null,
    input.tags ?? [],
    input.serviceIds ?? [],
    input.ciIds ?? [],
    input.audience ?? ArticleAudience.Public,
    input.language ?? ArticleLanguage.English,
  ];
  return { id, sql, params };
}

const quote = (value: string) => `'${value.replace(/'/g, "''")}'`;
const array = (values: readonly string[]) => `ARRAY[${values.map(quote).join(', ')}]`;
/** One element of `values` at random (a fresh draw each time the expression is evaluated). */
const pick = (values: readonly string[]) => `(${array(values)})[1 + floor(random() * ${values.length})::int]`;

/** Things articles are about, eight per category (in {@link CATEGORIES} order). */
const OBJECTS = [
  'VPN client', 'Wi-Fi connection', 'network drive', 'proxy server', 'firewall rule', 'DNS resolver', 'office router', 'ethernet port',
  'Outlook mailbox', 'shared mailbox', 'email signature', 'calendar invite', 'distribution list', 'spam filter', 'mail forwarding rule', 'out-of-office reply',
  'printer', 'laptop', 'docking station', 'external monitor', 'wireless keyboard', 'document scanner', 'badge reader', 'USB headset',
  'password', 'MFA token', 'user account', 'single sign-on', 'client certificate', 'access rights', 'service account', 'smart card',
  'Teams meeting', 'Excel workbook', 'SAP transaction', 'Jira project', 'SharePoint site', 'OneDrive folder', 'Citrix workspace', 'web browser',
  'Windows update', 'macOS upgrade', 'antivirus scan', 'disk encryption', 'backup job', 'virtual desktop', 'mobile phone', 'software installer',
];
const CATEGORIES = ['network', 'email', 'hardware', 'accounts', 'applications', 'workplace'];
const PROBLEMS = [
  'does not start', 'is very slow', 'shows an error after the update', 'cannot connect', 'keeps disconnecting', 'prints blank pages',
  'freezes at login', 'is locked', 'has expired', 'is not syncing', 'crashes on startup', 'asks for the password again and again',
  'shows a certificate warning', 'is not detected', 'runs out of storage', 'loses its settings', 'shows the wrong time zone', 'rejects valid credentials',
  'times out', 'is missing from the list', 'opens in read-only mode', 'uses too much memory', 'makes a clicking noise', 'cannot be found',
];
const ACTIONS = ['Reset', 'Configure', 'Reinstall', 'Update', 'Troubleshoot', 'Replace', 'Renew', 'Set up', 'Remove', 'Repair', 'Unlock', 'Restore'];
const PLATFORMS = ['Windows 11', 'Windows 10', 'macOS', 'Ubuntu', 'iPhone', 'Android', 'the guest network', 'a home office', 'the Berlin office', 'the London office', 'Citrix', 'a hotel network'];
const SETTINGS = ['proxy settings', 'display scaling', 'power plan', 'sign-in options', 'sharing permissions', 'driver version', 'sync interval', 'cache size', 'language and region', 'default printer'];
const FILLER = [
  'Save your work before you begin.',
  'Most users fix this in under five minutes.',
  'Administrator rights are not needed for these steps.',
  'The change takes effect after the next sign-in.',
  'Do not share your credentials with anyone, including the service desk.',
  'If several colleagues see the same symptom, report it as a major incident.',
  'Write down any error message exactly as it appears.',
  'A restart clears most temporary faults.',
];
const TAGS = ['windows', 'macos', 'mobile', 'remote-work', 'onboarding', 'security', 'self-service', 'known-issue', 'howto', 'office', 'update', 'licensing'];
/** Business services articles are filed under, as fixed ids so that a benchmark can filter by one. */
export const CORPUS_SERVICE_IDS = Array.from({ length: 20 }, (_, i) => `00000000-0000-4000-8000-${String(i + 1).padStart(12, '0')}`);

/** Syllables of made-up product and host names ("Korvantel"): the long tail of rare words a real knowledge base has. */
const SYLLABLES = ['kor', 'van', 'tel', 'mira', 'dex', 'lo', 'sen', 'tra', 'vi', 'qua', 'nox', 'rel', 'ba', 'zen', 'phi', 'mo', 'ter', 'gal', 'ux', 'ri', 'sol', 'ka', 'nim', 'dor'];
/** A made-up name, common ones more often (the syllables are drawn with a skew). */
const NAME = `initcap(${[1, 2, 3].map(() => `(${array(SYLLABLES)})[1 + floor(power(random(), 2) * ${SYLLABLES.length})::int]`).join(' || ')})`;

/**
 * A sentence of an article about `object` (an SQL expression) that has `problem`: mostly about its own topic.
 * `row` is a column of the generating subquery: without one the aggregate around it would belong to the outer query.
 */
function sentence(object: string, problem: string, row: string): string {
  const other = pick(OBJECTS);
  return `CASE floor(random() * 12)::int + 0 * ${row}
    WHEN 0 THEN 'If the ' || ${object} || ' ' || ${problem} || ', ' || lower(${pick(ACTIONS)}) || ' it and try again.'
    WHEN 1 THEN 'Open the ' || ${object} || ' settings and check the ' || ${pick(SETTINGS)} || '.'
    WHEN 2 THEN 'This affects users on ' || ${pick(PLATFORMS)} || ' after the latest ' || ${other} || ' update.'
    WHEN 3 THEN 'Contact the service desk if the ' || ${object} || ' still ' || ${problem} || '.'
    WHEN 4 THEN 'Restart the ' || ${object} || ', then sign in again with your usual credentials.'
    WHEN 5 THEN 'Make sure the ' || ${object} || ' is connected to ' || ${pick(PLATFORMS)} || ' before you continue.'
    WHEN 6 THEN 'The error code 0x' || upper(to_hex(32768 + floor(random() * 32768)::int)) || ' means the ' || ${object} || ' could not reach the ' || ${NAME} || ' server.'
    WHEN 7 THEN ${pick(ACTIONS)} || ' the ' || ${object} || ' from the control panel and wait until it reports ready.'
    WHEN 8 THEN 'Users of ' || ${NAME} || ' and ' || ${NAME} || ' reported the same symptom last week.'
    WHEN 9 THEN 'Version ' || (1 + floor(random() * 12)::int) || '.' || floor(random() * 20)::int || ' of ' || ${NAME} || ' fixes the ' || ${other} || ' problem.'
    ELSE ${pick(FILLER)}
  END`;
}

/**
 * Statements (each a batch of at most `batch` articles, run in order on one session) that insert `count`
 * published articles: titles like "Printer prints blank pages on Windows 11" or "Reset the password", a one-line
 * summary, a Markdown body of 10–30 sentences under two headings, a category, 2 tags, one business service of
 * {@link CORPUS_SERVICE_IDS}, 95 % English and 5 % `simple`, 70 % public, published over the last three years with
 * random votes and links. Numbers come from the article sequence, so they never collide with the service's own.
 */
export function corpusStatements(count: number, options: { batch?: number; seed?: number } = {}): string[] {
  const batch = options.batch ?? 10_000;
  const seed = options.seed ?? 0.42;
  const statements: string[] = [];
  for (let first = 1; first <= count; first += batch) {
    const last = Math.min(count, first + batch - 1);
    const sentences = (from: number, spread: number) =>
      `(SELECT string_agg(${sentence('o.object', 'p.problem', 's2.j')}, ' ') FROM generate_series(1, ${from} + (g.n * 7 + s.k) % ${spread}) s2(j))`;
    statements.push(`
      SELECT setseed(${(seed + first / (count + 1)) / 2});
      WITH generated AS (
        SELECT gen_random_uuid() AS id, g.n, o.i AS object_index, o.object, p.problem, t.title,
               now() - random() * interval '1095 days' AS published_at,
               CASE WHEN random() < 0.95 THEN 'english' ELSE 'simple' END AS language,
               CASE WHEN random() < 0.7 THEN 'public' ELSE 'internal' END AS audience,
               floor(random() * random() * 40)::int AS helpful, floor(random() * random() * 15)::int AS not_helpful,
               floor(random() * random() * random() * 60)::int AS links,
               (${array(CATEGORIES)})[1 + o.i / 8] AS category,
               ARRAY[${pick(TAGS)}, lower(split_part(o.object, ' ', 1))] AS tags,
               ARRAY[(${array(CORPUS_SERVICE_IDS)})[1 + floor(random() * ${CORPUS_SERVICE_IDS.length})::int]::uuid] AS service_ids,
               (SELECT string_agg(part, E'\\n\\n') FROM (VALUES
                  ('## Symptoms'), (${sentences(3, 5)}), ('## Resolution'), (${sentences(6, 18)})
                ) parts(part) WHERE s.k >= 0) AS body
          FROM generate_series(${first}, ${last}) g(n)
          CROSS JOIN LATERAL (SELECT g.n % 3 AS k) s
          CROSS JOIN LATERAL (SELECT i, (${array(OBJECTS)})[1 + i] AS object FROM (SELECT floor(random() * ${OBJECTS.length})::int + 0 * g.n AS i) x) o
          CROSS JOIN LATERAL (SELECT ${pick(PROBLEMS)} || left(g.n::text, 0) AS problem) p
          CROSS JOIN LATERAL (SELECT CASE floor(random() * 3)::int
                                WHEN 0 THEN ${pick(ACTIONS)} || ' the ' || o.object
                                WHEN 1 THEN initcap(left(o.object, 1)) || substr(o.object, 2) || ' ' || p.problem || ' on ' || ${pick(PLATFORMS)}
                                ELSE 'Why the ' || o.object || ' ' || p.problem
                              END AS title) t
      ),
      articles AS (
        INSERT INTO knowledge.articles (id, number, state, owner_id, latest_version, published_version, helpful_count, not_helpful_count, link_count, published_at, created_at, updated_at, version)
        SELECT id, 'KB' || lpad(nextval('knowledge.article_number_seq')::text, 7, '0'), 'published', 'author-' || (n % 50), 1, 1, helpful, not_helpful, links, published_at, published_at, published_at, 1
          FROM generated
      )
      INSERT INTO knowledge.article_versions (article_id, number, state, title, body, body_html, summary, category, tags, service_ids, audience, language, author_id, reviewed_by_id, submitted_at, published_at, created_at)
      SELECT id, 1, 'published', title, body, '', 'What to do when the ' || object || ' ' || problem || '.', category, tags, service_ids, audience, language,
             'author-' || (n % 50), 'reviewer-' || (n % 7), published_at, published_at, published_at
        FROM generated`);
  }
  return statements;
}

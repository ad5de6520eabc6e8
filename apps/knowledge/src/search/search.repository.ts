import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { ArticleAudience, type ArticleHit, type ArticleHitPage, ArticleLanguage, type ArticleSuggestion, ArticleState } from '@itsm/contracts';
import { decodeCursor, encodeCursor } from '@itsm/persistence';
import { rankingSql, TRIGRAM_THRESHOLD } from '../domain/ranking';
import { anyWordQuery, parseSearch } from './search-query';
import { snippetHtml, SNIPPET_HEADLINE_OPTIONS } from './snippet';

/** How deep a ranked search pages; a cursor further on is refused (a search that needs it should be narrowed). */
const MAX_RANKED_OFFSET = 10_000;
/** Languages whose published versions a search reads: each is matched with the query parsed in its own configuration. */
const LANGUAGES: readonly ArticleLanguage[] = Object.values(ArticleLanguage);
/** ts_rank_cd weights of D (body), C (summary), B (tags), A (title): PostgreSQL's defaults, written out. */
const RANK_WEIGHTS = `'{0.1, 0.2, 0.4, 1.0}'`;
/** Suggestions: what sharing a CI with the ticket, and being filed under its category, adds to the text rank. */
export const SUGGESTION_CI_WEIGHT = 0.3;
export const SUGGESTION_CATEGORY_WEIGHT = 0.1;
/** ts_headline reads this much of an article (summary, then body): enough for a snippet, bounded for a 200,000-character body. */
const SNIPPET_SOURCE_LENGTH = 20_000;
/**
 * Settings of a search transaction. The trigram operator `%>>` (strict word similarity of a query word to a word of
 * the title) takes its threshold from a setting, so it is set to the ranking's; the rest plans a read of tables that
 * stay in memory: index lookups cost little more than sequential reads (with the default random_page_cost the planner
 * reads all articles to join a few dozen hits), and JIT compilation of a plan costs more than running it. Matches
 * always come from the GIN indexes: the planner does not count what reading each vector from TOAST costs, and would
 * rather read every version of the table to test a word found in most of them (three times slower).
 */
export const SEARCH_SETTINGS = `SET TRANSACTION READ ONLY; SET LOCAL pg_trgm.strict_word_similarity_threshold = ${TRIGRAM_THRESHOLD}; SET LOCAL random_page_cost = 1.1; SET LOCAL jit = off; SET LOCAL enable_seqscan = off`;
/**
 * The planner settings of {@link SEARCH_SETTINGS} for a suggestion made in a transaction that also writes (a ticket's
 * suggestions, in the transaction of its event): they last until that transaction ends, and everything else such a
 * transaction runs is a lookup by key, planned the same with them.
 */
const SUGGESTION_SETTINGS = SEARCH_SETTINGS.replace('SET TRANSACTION READ ONLY; ', '');

/**
 * How many matches a search ranks in full. The matches whose title, tags or summary (`head`, a vector of a few dozen
 * words kept inline in the row, with a GIN index of its own) match come first; they are scored by `head` and age, and
 * the articles that name the words only in their bodies are read only when the head matches are fewer than the pool.
 * The best `RANKED_POOL` are then ranked by the whole vector, helpfulness and links: twenty pages of ten in exact
 * order. Past the pool, pages follow the pool's order (tier, then first score). Below that many matches the order is exact.
 */
export const RANKED_POOL = 200;

/**
 * Suggestions rank fewer in full: they show a handful of articles, not pages, and a ticket's prose read as any of its
 * words matches much of a large knowledge base, so the full ranking (every candidate's whole vector read from TOAST)
 * is what a suggestion costs. The best 200 by title, tags, summary, CIs, category and age hold the five shown.
 */
export const SUGGESTION_POOL = 200;
/**
 * A query word is also matched by title similarity (typo tolerance) when fewer published articles than this contain
 * it: `priner` is, `printer` is not (it finds printers by stemming, and comparing it with 100,000 titles would only
 * add `print` and `sprint`).
 */
export const TYPO_TOLERANT_BELOW = 3;

/** Days since the version was published, as float8 (EXTRACT answers numeric, whose arithmetic costs several times more per match). */
const AGE_DAYS = "date_part('epoch', now() - COALESCE(v.published_at, v.created_at)) / 86400";

export interface SearchScope {
  /** Who reads: `public` (requesters) reads public articles only, `internal` (agents) both. */
  audience: ArticleAudience;
  category?: string;
  tag?: string;
  serviceId?: string;
}

interface HitRow {
  id: string;
  number: string;
  title: string;
  summary: string;
  category: string | null;
  tags: string[];
  audience: ArticleAudience;
  language: ArticleLanguage;
  article_version: number;
  published_at: Date;
  helpful_count: number;
  not_helpful_count: number;
  rank: number;
  snippet: string;
}

/** Bound parameters of one statement, named by position as they are added. */
class Params {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/** `sql(config)` in the row's own language: a CASE whose branches PostgreSQL folds to constants when planning. */
function perLanguage(sql: (config: string) => string): string {
  return `CASE v.language ${LANGUAGES.map((language) => `WHEN '${language}' THEN ${sql(`'${language}'::regconfig`)}`).join(' ')} END`;
}

/**
 * Any of the published versions whose `vector` (`search`, the whole article; `head`, title, tags and summary) matches
 * `sql(config)` in their own language: one GIN index scan per language. `alsoWhole` adds the match of the whole
 * vector to a head arm.
 */
function matchInAnyLanguage(sql: (config: string) => string, vector: 'search' | 'head' = 'search', alsoWhole = false): string[] {
  return LANGUAGES.map((language) => {
    const config = `'${language}'::regconfig`;
    return `(v.language = '${language}' AND v.${vector} @@ ${sql(config)}${alsoWhole ? ` AND v.search @@ ${sql(config)}` : ''})`;
  });
}

/**
 * The search statement and its parameters (null when `q` asks for nothing): what {@link SearchRepository.search}
 * runs, in a transaction with {@link SEARCH_SETTINGS}; exported for the test that checks its plan and the benchmark.
 * `typoWords` are the words matched by title similarity too, none of them a stop word (by default every word that
 * may be; {@link SearchRepository.typoTolerant} picks the ones a search uses).
 *
 * `pool` takes the matches in two tiers: first those whose head (title, tags, summary) matches, or whose title is
 * similar to a typo-tolerant word; then, only if those are fewer than the pool, the rest (words only in the body).
 * Within a tier, matches are scored by `head` and age, and the pool keeps the best (see {@link RANKED_POOL}, and as
 * many as the page needs); `hits` ranks the first `RANKED_POOL` of them in full and puts them first, the rest after in
 * pool order.
 */
export function searchStatement(
  q: string,
  scope: SearchScope,
  page: { limit: number; offset: number },
  typoWords?: readonly string[],
): { sql: string; params: unknown[] } | null {
  const parsed = parseSearch(q);
  if (!parsed.positive) return null;

  const params = new Params();
  const text = params.add(parsed.text);
  const prefix = parsed.prefixQuery === null ? null : params.add(parsed.prefixQuery);
  const query = (config: string) => `(websearch_to_tsquery(${config}, ${text})${prefix ? ` && to_tsquery(${config}, ${prefix})` : ''})`;
  const words = (typoWords ?? parsed.fuzzyWords).map((word) => params.add(word));
  // Only titles found by similarity need the exclusions again (websearch_to_tsquery has them for the rest).
  const excluded = parsed.excludedQuery === null || words.length === 0 ? null : params.add(parsed.excludedQuery);
  const notExcluded = excluded ? ` AND NOT v.search @@ to_tsquery(v.language::regconfig, ${excluded})` : '';
  // Two scans, not one with every arm ORed: the trigram index is lossy (each row it finds is checked again), and a row
  // checked against all arms would have its full vector read from TOAST for the full-text ones.
  const similar = words.map((word) => `lower(v.title) OPERATOR(knowledge.%>>) ${word}`);
  const typo = similar.map((condition) => `(${condition}${notExcluded})`);
  // Only an exclusion can make the head match where the whole vector does not (the excluded word in the body).
  const inHead = matchInAnyLanguage(query, 'head', parsed.excludedQuery !== null);
  const similarity = titleSimilarity(words);
  const preRank = firstScore(`ts_rank(${RANK_WEIGHTS}, v.head, ${perLanguage(query)})`, similarity.expression);
  const rank = rankingSql({
    text_rank: `ts_rank_cd(${RANK_WEIGHTS}, v.search, ${perLanguage(query)})`,
    similarity: similarity.expression,
    helpful_count: 'a.helpful_count',
    not_helpful_count: 'a.not_helpful_count',
    age_days: AGE_DAYS,
    link_count: 'a.link_count',
  });
  const where = filters(scope, params);
  const poolSize = params.add(Math.max(RANKED_POOL, page.offset + page.limit));
  const limit = params.add(page.limit);
  const skip = params.add(page.offset);
  const headline = params.add(SNIPPET_HEADLINE_OPTIONS);
  const scored = (tier: number, arms: readonly string[], extra = '') => `
                SELECT ${tier} AS tier, v.article_id, v.number, COALESCE(v.published_at, v.created_at) AS published_at, ${preRank} AS score
                  FROM knowledge.article_versions v${similarity.join}
                 WHERE v.state = 'published' AND (${arms.join('\n                    OR ')})${extra}${where}`;
  // Tier 1: the head matches, and titles found by similarity (two scans, not one with every arm ORed: the trigram
  // index is lossy, and each row it finds is checked again). Tier 2, read only when tier 1 is too short: the
  // articles naming the words only in their bodies (the whole vector's index; their head score is lower anyway).
  const tier1 = [inHead, ...(typo.length > 0 ? [typo] : [])].map((arms) => scored(1, arms)).join('\n                 UNION');
  // A body match is in tier 1 when its head or its title matches too (tier 2's own arm has the exclusions).
  const notTier1 = `\n                   AND NOT (${[...matchInAnyLanguage(query, 'head'), ...similar].join(' OR ')})`;
  const tier2 = scored(2, matchInAnyLanguage(query), notTier1);
  const sql = `
    WITH head_matches AS MATERIALIZED (
      SELECT * FROM (${tier1}) matched
       ORDER BY score DESC, published_at DESC, article_id DESC
       LIMIT ${poolSize}
    ), body_matches AS (
      SELECT * FROM (${tier2}) matched
       ORDER BY score DESC, published_at DESC, article_id DESC
       LIMIT GREATEST(${poolSize} - (SELECT count(*) FROM head_matches), 0)
    ), pool AS (
      SELECT top.article_id, top.number, row_number() OVER (ORDER BY top.tier, top.score DESC, top.published_at DESC, top.article_id DESC) AS place
        FROM (SELECT * FROM head_matches UNION ALL SELECT * FROM body_matches LIMIT ${poolSize}) top -- never more: the LIMIT tells the planner so
    ), hits AS (
      SELECT ranked.* FROM (
        SELECT v.article_id, v.number, COALESCE(v.published_at, v.created_at) AS published_at, ${rank} AS rank, pool.place
          FROM pool
          JOIN knowledge.article_versions v ON v.article_id = pool.article_id AND v.number = pool.number
          JOIN knowledge.articles a ON a.id = v.article_id AND a.published_version = v.number AND a.state = '${ArticleState.Published}'${similarity.join}
      ) ranked
       ORDER BY ${order('ranked')}
       LIMIT ${limit} OFFSET ${skip}
    )
    SELECT a.id, a.number, v.title, v.summary, v.category, v.tags, v.audience, v.language, v.number AS article_version, hits.published_at,
           a.helpful_count, a.not_helpful_count, hits.rank,
           ts_headline(v.language::regconfig,
                       translate(left(concat_ws(E'\\n', NULLIF(v.summary, ''), regexp_replace(v.body, '[#*\`]+', '', 'g')), ${SNIPPET_SOURCE_LENGTH}), chr(2) || chr(3), ''),
                       ${perLanguage(query)}, ${headline}) AS snippet
      FROM hits
      JOIN knowledge.article_versions v ON v.article_id = hits.article_id AND v.number = hits.number
      JOIN knowledge.articles a ON a.id = hits.article_id
     ORDER BY ${order('hits')}`;
  return { sql, params: params.values };
}

/** The order of hits: the pool's first {@link RANKED_POOL} by rank (then recency and id), then the rest in pool order. */
function order(hits: string): string {
  const ranked = `${hits}.place <= ${RANKED_POOL}`;
  return `NOT ${ranked}, CASE WHEN ${ranked} THEN ${hits}.rank END DESC, CASE WHEN NOT ${ranked} THEN ${hits}.place END, ${hits}.published_at DESC, ${hits}.article_id DESC`;
}

/**
 * The first score of a match, from what its row holds inline: the text rank of `head` (title, tags, summary) and
 * the similarity of its title, scaled by recency — the ranking without votes and links, which take a join.
 */
function firstScore(textRank: string, similarity: string): string {
  return rankingSql({ text_rank: textRank, similarity, helpful_count: '0', not_helpful_count: '0', age_days: AGE_DAYS, link_count: '0' });
}

/** What a suggestion is for: who reads it, how many, and the ticket's categories and CIs. */
export interface SuggestionScope {
  audience: ArticleAudience;
  limit: number;
  categories: readonly string[];
  ciIds: readonly string[];
}

/**
 * The suggestion statement and its parameters (null when there is nothing to suggest from: no word and no CI): what
 * {@link SearchRepository.suggest} runs; exported for the test that checks its plan. `words` is {@link anyWordQuery}
 * of the text.
 */
export function suggestionStatement(words: { query: string } | null, scope: SuggestionScope): { sql: string; params: unknown[] } | null {
  if (!words && scope.ciIds.length === 0) return null;
  const params = new Params();
  const anyWord = words ? params.add(words.query) : null;
  const query = (config: string) => (anyWord ? `to_tsquery(${config}, ${anyWord})` : `''::tsquery`);
  const ciIds = params.add(scope.ciIds);
  const categories = params.add(scope.categories.map((category) => category.toLowerCase()));
  const sharesCi = `v.ci_ids && ${ciIds}::uuid[]`;
  // Tier 1: a word in the head, or a CI shared; tier 2, read only when tier 1 has fewer than the pool: a word in the body only.
  const tier1 = [...(anyWord ? matchInAnyLanguage(query, 'head') : []), ...(scope.ciIds.length > 0 ? [sharesCi] : [])];
  const tiers = [tier1.join('\n              OR '), ...(anyWord ? [`(${matchInAnyLanguage(query).join('\n              OR ')})\n             AND NOT (${tier1.join(' OR ')})`] : [])];
  const context = (vector: string, rank: string) =>
    `(${anyWord ? `${rank}(${RANK_WEIGHTS}, ${vector}, ${perLanguage(query)})` : '0'}` +
    ` + ${SUGGESTION_CI_WEIGHT} * (${sharesCi})::int + ${SUGGESTION_CATEGORY_WEIGHT} * (lower(v.category) = ANY(${categories}::text[]))::int)`;
  const score = rankingSql({
    text_rank: context('v.search', 'ts_rank_cd'),
    similarity: '0',
    helpful_count: 'a.helpful_count',
    not_helpful_count: 'a.not_helpful_count',
    age_days: AGE_DAYS,
    link_count: 'a.link_count',
  });
  const where = filters({ audience: scope.audience }, params);
  const limit = params.add(scope.limit);
  const sql = `
    WITH ${tiers.map((arms, i) => `tier${i + 1} AS MATERIALIZED (
      SELECT v.article_id, v.number
        FROM knowledge.article_versions v
       WHERE v.state = 'published' AND (${arms})${where}
       ORDER BY ${firstScore(context('v.head', 'ts_rank'), '0')} DESC, v.published_at DESC, v.article_id DESC
       LIMIT ${i === 0 ? SUGGESTION_POOL : `GREATEST(${SUGGESTION_POOL} - (SELECT count(*) FROM tier1), 0)`}
    )`).join(', ')}, pool AS (${tiers.map((_, i) => `SELECT * FROM tier${i + 1}`).join(' UNION ALL ')} LIMIT ${SUGGESTION_POOL})
    SELECT a.id, a.number, v.title, ${score} AS score
      FROM pool
      JOIN knowledge.article_versions v ON v.article_id = pool.article_id AND v.number = pool.number
      JOIN knowledge.articles a ON a.id = v.article_id AND a.published_version = v.number AND a.state = '${ArticleState.Published}'
     ORDER BY score DESC, v.published_at DESC, v.article_id DESC
     LIMIT ${limit}`;
  return { sql, params: params.values };
}

/**
 * Ranked search over published article versions: the SQL. Every match condition is one an index answers — the
 * partial `article_versions_head_<language>_idx` (head matches) and `article_versions_search_<language>_idx` (the
 * rest) per language (the query is parsed in each configuration, so each arm compares the vector with a constant),
 * ORed into one bitmap scan per tier, and `article_versions_title_trgm_idx` per typo-tolerant word in a scan of its
 * own; the first score and filters run on what those found, the full ranking on the best {@link RANKED_POOL}.
 * Snippets are made for the page only.
 *
 * Paging is by rank within the pool, then `publishedAt` and id; past the pool, by tier and first score (a total order
 * either way). A rank is not a column, so the cursor carries the
 * offset of the next page (`['ranked', fingerprint, offset]`); the fingerprint hashes `q`, the filters and the
 * audience, so a cursor is accepted only by the search that made it.
 */
@Injectable()
export class SearchRepository {
  /** Transactions of callers that have the search's planner settings already (see {@link readWithin}). */
  private readonly configured = new WeakSet<EntityManager>();

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async search(q: string, scope: SearchScope, page: { limit: number; cursor?: string }): Promise<ArticleHitPage> {
    const fingerprint = fingerprintOf(q, scope);
    const offset = page.cursor
      ? (decodeCursor(page.cursor, 3, ([kind, f, o]) => kind === 'ranked' && f === fingerprint && Number.isInteger(o) && (o as number) > 0 && (o as number) <= MAX_RANKED_OFFSET)[2] as number)
      : 0;
    const parsed = parseSearch(q);
    if (!parsed.positive) return { items: [], nextCursor: null };
    const rows = await this.read(async (manager) => {
      const statement = searchStatement(q, scope, { limit: page.limit + 1, offset }, await this.typoTolerant(manager, parsed.fuzzyWords));
      return statement ? manager.query<HitRow[]>(statement.sql, statement.params) : [];
    });
    const items: ArticleHit[] = rows.slice(0, page.limit).map(toHit);
    const nextOffset = offset + page.limit;
    return { items, nextCursor: rows.length > page.limit && nextOffset <= MAX_RANKED_OFFSET ? encodeCursor(['ranked', fingerprint, nextOffset]) : null };
  }

  /**
   * The published articles best matching a text, read as plain words (any of them may match: see
   * {@link anyWordQuery}; no typo tolerance: a ticket's prose has other words to match, and comparing each word the
   * knowledge base lacks with every title costs seconds); an article sharing a CI with `ciIds` counts even without a
   * word in common, and one filed under one of `categories` ranks higher. Ranked like a search: the articles naming a
   * word in their head or sharing a CI first, scored by `head`, CIs, category and age (the body-only matches only
   * when those are fewer than the pool), the best {@link SUGGESTION_POOL} in full.
   */
  async suggest(text: string, scope: SuggestionScope, within?: EntityManager): Promise<ArticleSuggestion[]> {
    const statement = suggestionStatement(anyWordQuery(text), scope);
    if (!statement) return [];
    const rows = await (within?.queryRunner?.isTransactionActive ? this.readWithin(within) : this.read.bind(this))((manager) =>
      manager.query<Array<{ id: string; number: string; title: string; score: number }>>(statement.sql, statement.params),
    );
    return rows.filter((row) => row.score > 0).map((row) => ({ id: row.id, number: row.number, title: row.title, score: round(row.score) }));
  }

  /**
   * Which of `words` also match by title similarity: those fewer than {@link TYPO_TOLERANT_BELOW} published articles
   * contain (in any language, ignoring audience) and no language takes for a stop word, in the order given. One index
   * probe per word.
   */
  async typoTolerant(manager: EntityManager, words: readonly string[]): Promise<string[]> {
    if (words.length === 0) return [];
    const contains = matchInAnyLanguage((config) => `plainto_tsquery(${config}, t.word)`).join(' OR ');
    const rows = await manager.query<Array<{ word: string }>>(
      `SELECT t.word
         FROM unnest($1::text[]) WITH ORDINALITY AS t(word, i)
        WHERE ${LANGUAGES.map((language) => `numnode(plainto_tsquery('${language}'::regconfig, t.word)) > 0`).join(' AND ')}
          AND (SELECT count(*) FROM (SELECT 1 FROM knowledge.article_versions v WHERE v.state = 'published' AND (${contains}) LIMIT ${TYPO_TOLERANT_BELOW}) found) < ${TYPO_TOLERANT_BELOW}
        ORDER BY t.i`,
      [words],
    );
    return rows.map((row) => row.word);
  }

  /**
   * A read in the caller's transaction (no connection or transaction of its own), with the planner settings of a
   * search, set once per transaction.
   */
  private readWithin(manager: EntityManager): <T>(work: (manager: EntityManager) => Promise<T>) => Promise<T> {
    return async (work) => {
      if (!this.configured.has(manager)) {
        await manager.query(SUGGESTION_SETTINGS);
        this.configured.add(manager);
      }
      return work(manager);
    };
  }

  /** One read in a transaction of its own, with the settings of a search (see SEARCH_SETTINGS). */
  private read<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query(SEARCH_SETTINGS);
      return work(manager);
    });
  }
}

function filters(scope: SearchScope, params: Params): string {
  const where: string[] = [];
  if (scope.audience === ArticleAudience.Public) where.push(`v.audience = '${ArticleAudience.Public}'`);
  if (scope.category !== undefined) where.push(`lower(v.category) = lower(${params.add(scope.category)})`);
  if (scope.tag !== undefined) where.push(`v.tags @> ARRAY[lower(${params.add(scope.tag)})]`);
  if (scope.serviceId !== undefined) where.push(`v.service_ids @> ARRAY[${params.add(scope.serviceId)}::uuid]`);
  return where.map((condition) => `\n           AND ${condition}`).join('');
}


/**
 * The similarity of the title to the closest of `words` (0 below the threshold): `join` adds
 * the per-word similarities as columns of a lateral subquery (`OFFSET 0` keeps it from being merged into the
 * expression, which would compute each similarity twice), `expression` reads them.
 */
function titleSimilarity(words: readonly string[]): { join: string; expression: string } {
  if (words.length === 0) return { join: '', expression: '0' };
  const columns = words.map((word, i) => `knowledge.strict_word_similarity(${word}, lower(v.title)) AS s${i}`);
  return {
    join: `
        CROSS JOIN LATERAL (SELECT ${columns.join(', ')} OFFSET 0) sim`,
    expression: `GREATEST(${words.map((_, i) => `CASE WHEN sim.s${i} >= ${TRIGRAM_THRESHOLD} THEN sim.s${i} ELSE 0 END`).join(', ')})`,
  };
}

const round = (value: number) => Math.round(value * 1e6) / 1e6;

function toHit(row: HitRow): ArticleHit {
  return {
    id: row.id,
    number: row.number,
    title: row.title,
    summary: row.summary,
    category: row.category ?? '',
    tags: row.tags,
    audience: row.audience,
    language: row.language,
    articleVersion: row.article_version,
    publishedAt: row.published_at.toISOString(),
    helpfulCount: row.helpful_count,
    notHelpfulCount: row.not_helpful_count,
    snippet: snippetHtml(row.snippet),
    rank: round(row.rank),
  };
}

function fingerprintOf(q: string, scope: SearchScope): string {
  const key = [q, scope.audience, scope.category?.toLowerCase() ?? null, scope.tag?.toLowerCase() ?? null, scope.serviceId ?? null];
  return createHash('sha256').update(JSON.stringify(key)).digest('base64url').slice(0, 16);
}

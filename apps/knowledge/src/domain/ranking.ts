/**
 * Search ranking of published articles. One formula, written twice: here in TypeScript ({@link score}) and as SQL
 * ({@link RANKING_SQL}) for the search query; the unit tests evaluate both on {@link RANKING_SAMPLES} and the
 * integration tests run the SQL on the same rows, so the two cannot drift apart.
 *
 *   score = (textRank + TRIGRAM_WEIGHT × similarity)
 *           × (1 + HELPFULNESS_WEIGHT × helpfulness(helpful, notHelpful))
 *           × recencyFactor(ageDays)
 *           × linkBoost(links)
 *
 * textRank is ts_rank_cd of the full-text match, similarity the pg_trgm similarity of the title to the query (the
 * typo-tolerant part: 0 when below the threshold). Every factor is positive, so votes, age and links only scale what
 * the text match earned; an article matching nothing scores 0 whatever its votes.
 */

/** Weight of the trigram similarity of the title beside ts_rank_cd. */
export const TRIGRAM_WEIGHT = 0.5;
/** How much a fully helpful article gains over the text rank: at most × 1.5. */
export const HELPFULNESS_WEIGHT = 0.5;
/** pg_trgm similarity from which a title counts as matching a query word (`priner` ~ `printer`). */
export const TRIGRAM_THRESHOLD = 0.3;

/** Laplace-smoothed share of helpful votes: 0.5 without votes, towards 1 with many helpful ones, towards 0 with many unhelpful ones. */
export function helpfulness(helpful: number, notHelpful: number): number {
  return (helpful + 1) / (helpful + notHelpful + 2);
}

/** 1 for an article published today, 0.5 after a year, 1/3 after two; a negative age (clock skew) counts as 0. */
export function recencyFactor(ageDays: number): number {
  return 1 / (1 + Math.max(ageDays, 0) / 365);
}

/** 1 without links, 1.25 at 9 links, 1.5 at 99: links to tickets prove use, with diminishing returns. */
export function linkBoost(links: number): number {
  return 1 + Math.log10(1 + links) / 4;
}

export interface RankingInput {
  textRank: number;
  trigramSimilarity: number;
  helpful: number;
  notHelpful: number;
  ageDays: number;
  links: number;
}

/** The ranking score (see the formula at the top of this file). */
export function score(input: RankingInput): number {
  const match = input.textRank + TRIGRAM_WEIGHT * input.trigramSimilarity;
  return match * (1 + HELPFULNESS_WEIGHT * helpfulness(input.helpful, input.notHelpful)) * recencyFactor(input.ageDays) * linkBoost(input.links);
}

/** The columns {@link RANKING_SQL} reads, and which input of {@link score} each one is. */
export const RANKING_COLUMNS = {
  text_rank: 'textRank',
  similarity: 'trigramSimilarity',
  helpful_count: 'helpful',
  not_helpful_count: 'notHelpful',
  age_days: 'ageDays',
  link_count: 'links',
} as const satisfies Record<string, keyof RankingInput>;

export type RankingColumn = keyof typeof RANKING_COLUMNS;

/**
 * {@link score} as a PostgreSQL expression over the columns text_rank, similarity, helpful_count, not_helpful_count,
 * age_days and link_count (all cast to double precision; `log` of a double is base 10). Use {@link rankingSql} to put
 * other expressions in place of the column names.
 */
export const RANKING_SQL =
  `((text_rank)::float8 + ${TRIGRAM_WEIGHT} * (similarity)::float8)` +
  ` * (1 + ${HELPFULNESS_WEIGHT} * (((helpful_count)::float8 + 1) / ((helpful_count)::float8 + (not_helpful_count)::float8 + 2)))` +
  ` * (1 / (1 + GREATEST((age_days)::float8, 0) / 365))` +
  ` * (1 + log(1 + (link_count)::float8) / 4)`;

/** {@link RANKING_SQL} with each column replaced by the SQL expression given for it (columns not given stay as named). */
export function rankingSql(expressions: Partial<Record<RankingColumn, string>>): string {
  return RANKING_SQL.replace(/\b(text_rank|similarity|helpful_count|not_helpful_count|age_days|link_count)\b/g, (column) => expressions[column as RankingColumn] ?? column);
}

/** Rows with their expected score, shared by the unit test (TypeScript and SQL evaluated here) and the integration test (SQL in PostgreSQL). */
export const RANKING_SAMPLES: readonly { row: Record<RankingColumn, number>; score: number }[] = [
  { row: { text_rank: 0, similarity: 0, helpful_count: 0, not_helpful_count: 0, age_days: 0, link_count: 0 }, score: 0 },
  { row: { text_rank: 0.1, similarity: 0, helpful_count: 0, not_helpful_count: 0, age_days: 0, link_count: 0 }, score: 0.125 },
  { row: { text_rank: 0.2, similarity: 0.4, helpful_count: 3, not_helpful_count: 1, age_days: 365, link_count: 9 }, score: 0.4 * (1 + 0.5 * (4 / 6)) * 0.5 * 1.25 },
  { row: { text_rank: 0, similarity: 0.6, helpful_count: 0, not_helpful_count: 8, age_days: 730, link_count: 99 }, score: 0.3 * (1 + 0.5 * 0.1) * (1 / 3) * 1.5 },
  { row: { text_rank: 1, similarity: 1, helpful_count: 98, not_helpful_count: 0, age_days: -5, link_count: 999 }, score: 1.5 * (1 + 0.5 * (99 / 100)) * 1 * 1.75 },
];

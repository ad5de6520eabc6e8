/**
 * The text-search document of a known error: title (weight A), symptoms (B), root cause and workaround (C).
 * Queries must use exactly this expression so that PostgreSQL uses the `known_errors_search_idx` GIN index; the
 * migration that created the index holds its own copy of this text, so changing it here needs a new migration.
 * `ts_rank`'s default weights (A 1.0, B 0.4, C 0.2) rank a hit in the title above one in the symptoms, and that
 * above one in the root cause or workaround.
 */
export const KNOWN_ERROR_SEARCH_VECTOR =
  `(setweight(to_tsvector('english', title), 'A') || setweight(to_tsvector('english', symptoms), 'B') || setweight(to_tsvector('english', root_cause || ' ' || workaround), 'C'))`;

/**
 * `ts_headline` options of a search hit's snippet: up to two passages, the words found between two control
 * characters that no stored text contains (the request validation refuses them), so that {@link snippetHtml} can
 * escape the text itself and only then mark the words.
 */
export const KNOWN_ERROR_HEADLINE_OPTIONS = 'StartSel=\u0002, StopSel=\u0003, MaxFragments=2, MaxWords=30, MinWords=8, FragmentDelimiter=" … "';

const START_MARK = String.fromCharCode(2);
const STOP_MARK = String.fromCharCode(3);

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** The snippet as safe HTML: the known error's own text escaped, the words found marked `<b>…</b>`. */
export function snippetHtml(headline: string): string {
  return headline
    .replace(/[&<>"']/g, (character) => HTML_ESCAPES[character] ?? character)
    .replaceAll(START_MARK, '<b>')
    .replaceAll(STOP_MARK, '</b>');
}

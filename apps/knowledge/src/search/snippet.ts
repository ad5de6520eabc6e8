/**
 * Search snippets as safe HTML. `ts_headline` marks the words found between two control characters (the
 * statement strips them from the article text first), so that {@link snippetHtml} can escape the text itself and
 * only then turn the marks into `<mark>` tags: the snippet carries no other markup, whatever the article says.
 * The same approach as the problem service's known-error snippets, with `<mark>` for `<b>`.
 */
export const SNIPPET_HEADLINE_OPTIONS = 'StartSel=\u0002, StopSel=\u0003, MaxFragments=2, MaxWords=30, MinWords=12, FragmentDelimiter=" … "';

const START_MARK = String.fromCharCode(2);
const STOP_MARK = String.fromCharCode(3);

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** A headline as HTML: the article's text escaped, the words found marked `<mark>…</mark>`. */
export function snippetHtml(headline: string): string {
  return headline
    .replace(/[&<>"']/g, (character) => HTML_ESCAPES[character] ?? character)
    .replaceAll(START_MARK, '<mark>')
    .replaceAll(STOP_MARK, '</mark>');
}

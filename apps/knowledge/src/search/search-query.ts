/**
 * What a search's `q` asks for, read before it reaches PostgreSQL. The text goes to `websearch_to_tsquery`, which
 * reads any input without a syntax error ("quoted phrase", `-excluded`, `or`); two things are added around it:
 *
 * - **Prefixes**: a word ending in `*` (or `:*`, the tsquery spelling), outside quotes, matches every word starting
 *   with it (`print*` finds printer, printing, prints). websearch syntax has no prefixes, so such a word is taken out
 *   of the text and matched as a tsquery prefix term (`'print':*`, stemmed in each article's language); `-print*`
 *   excludes them. Only letters and digits reach that term, so it can never be a tsquery syntax error.
 * - **Typo tolerance**: the plain words of the query (outside quotes, not excluded, not prefixes, at least
 *   {@link MIN_FUZZY_LENGTH} characters) are also compared with the title by trigram similarity (`priner` finds
 *   `printer`). A quoted phrase asks for exactly those words, so its words are not. An article found only that way
 *   still must not contain an excluded word.
 */

/** Shorter words have too few trigrams to be told apart from unrelated ones. */
export const MIN_FUZZY_LENGTH = 4;
/** Bounds the work of one query: each typo-tolerant word and prefix is an index scan of its own. */
export const MAX_FUZZY_WORDS = 8;
export const MAX_PREFIXES = 8;

export interface ParsedSearch {
  /** What `websearch_to_tsquery` reads: `q` without the prefix words. */
  text: string;
  /** A tsquery of the prefix terms ANDed (`'print':* & !'scan':*`), or null without any. */
  prefixQuery: string | null;
  /** Lower-case words matched against titles by trigram similarity. */
  fuzzyWords: string[];
  /** A tsquery of every excluded word or prefix ORed (`'windows' | 'scan':*`), or null without any. */
  excludedQuery: string | null;
  /** False when the query asks for nothing (no word outside an exclusion): the answer is empty without a search. */
  positive: boolean;
}

const WORD = /[\p{L}\p{N}]+/gu;
const PREFIX = /^(-?)([\p{L}\p{N}]+)(?:\*|:\*)$/u;

/** A tsquery term of a word made of letters and digits only (so quoting it is all the escaping it needs). */
const term = (word: string, prefix: boolean): string => `'${word.toLowerCase()}'${prefix ? ':*' : ''}`;

interface Token {
  text: string;
  start: number;
  end: number;
  quoted: boolean;
  negated: boolean;
}

/**
 * Splits `q` as websearch_to_tsquery does: quoted parts (an unclosed quote runs to the end; a `-` right before the
 * quote negates it) and the whitespace-separated words between them.
 */
function tokens(q: string): Token[] {
  const found: Token[] = [];
  const pattern = /(-?)"([^"]*)"?|[^\s"]+/gu;
  for (let match = pattern.exec(q); match; match = pattern.exec(q)) {
    const quoted = match[0].includes('"');
    const text = quoted ? (match[2] ?? '') : match[0];
    found.push({ text, start: match.index, end: match.index + match[0].length, quoted, negated: quoted ? match[1] === '-' : text.startsWith('-') });
  }
  return found;
}

export function parseSearch(q: string): ParsedSearch {
  let text = q;
  const prefixes: string[] = [];
  const fuzzy = new Set<string>();
  const excluded: string[] = [];
  let positive = false;
  // From the end, so that cutting a prefix word out leaves the positions of the earlier ones as they were.
  for (const token of tokens(q).reverse()) {
    const prefix = token.quoted ? null : PREFIX.exec(token.text);
    if (prefix) {
      const word = prefix[2] ?? '';
      if (token.negated) excluded.push(term(word, true));
      else positive = true;
      prefixes.push(`${token.negated ? '!' : ''}${term(word, true)}`);
      text = `${text.slice(0, token.start)} ${text.slice(token.end)}`;
      continue;
    }
    const words = token.text.match(WORD) ?? [];
    if (words.length === 0) continue;
    if (token.negated) {
      excluded.push(words.map((word) => term(word, false)).join(' <-> '));
      continue;
    }
    if (!token.quoted && token.text.toLowerCase() === 'or') continue;
    positive = true;
    if (!token.quoted) for (const word of words) if (word.length >= MIN_FUZZY_LENGTH) fuzzy.add(word.toLowerCase());
  }
  return {
    text: text.trim(),
    prefixQuery: prefixes.length > 0 ? prefixes.reverse().slice(0, MAX_PREFIXES).join(' & ') : null,
    fuzzyWords: [...fuzzy].reverse().slice(0, MAX_FUZZY_WORDS),
    excludedQuery: excluded.length > 0 ? excluded.reverse().join(' | ') : null,
    positive,
  };
}

/** Most words of a text suggestions are computed from (the first ones: a ticket's title comes first). */
export const MAX_SUGGEST_WORDS = 40;

/**
 * A text's words as a tsquery that matches any of them (`'vpn' | 'password' | 'expired'`), for suggestions: a
 * ticket's text is prose, not search syntax, and an article should match some of its words, not all. Null when
 * the text has no word.
 */
export function anyWordQuery(text: string): { query: string; words: string[] } | null {
  const words = [...new Set((text.match(WORD) ?? []).map((word) => word.toLowerCase()))].slice(0, MAX_SUGGEST_WORDS);
  return words.length === 0 ? null : { query: words.map((word) => term(word, false)).join(' | '), words };
}

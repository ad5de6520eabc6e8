import { MAX_ARTICLE_TAG_LENGTH, MAX_ARTICLE_TAGS } from '@itsm/contracts';

/** Limits on an article's tags (after normalizing), as the contracts declare them. */
export const MAX_TAGS = MAX_ARTICLE_TAGS;
export const MAX_TAG_LENGTH = MAX_ARTICLE_TAG_LENGTH;

/** Tags as stored: trimmed, lower-case, inner whitespace collapsed to one space, blanks dropped, each once, sorted. */
export function normalizeTags(tags: readonly string[]): string[] {
  const normalized = tags.map((tag) => tag.trim().replace(/\s+/g, ' ').toLowerCase()).filter((tag) => tag !== '');
  return [...new Set(normalized)].sort();
}

/** A tag problem, named as a field error (`tags` for the count, `tags[i]` for one tag of the normalized list). */
export interface TagError {
  field: string;
  message: string;
}

export type TagCheck = { ok: true; tags: string[] } | { ok: false; tags: string[]; errors: TagError[] };

/**
 * Normalizes the tags, then checks the limits on what would be stored: at most {@link MAX_TAGS} tags (duplicates that
 * collapse into one count once) of at most {@link MAX_TAG_LENGTH} characters (code points) each.
 */
export function checkTags(tags: readonly string[]): TagCheck {
  const normalized = normalizeTags(tags);
  const errors: TagError[] = [];
  if (normalized.length > MAX_TAGS) errors.push({ field: 'tags', message: `must have at most ${MAX_TAGS} tags (has ${normalized.length})` });
  normalized.forEach((tag, index) => {
    const length = [...tag].length;
    if (length > MAX_TAG_LENGTH) errors.push({ field: `tags[${index}]`, message: `must be at most ${MAX_TAG_LENGTH} characters (has ${length})` });
  });
  return errors.length === 0 ? { ok: true, tags: normalized } : { ok: false, tags: normalized, errors };
}

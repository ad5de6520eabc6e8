import fc from 'fast-check';
import { checkTags, MAX_TAG_LENGTH, MAX_TAGS, normalizeTags } from './tags';

describe('normalizeTags', () => {
  it('trims, lower-cases, drops blanks, removes duplicates and sorts', () => {
    expect(normalizeTags(['  VPN ', 'printer', 'vpn', '', '   ', 'Printer', 'Active  Directory'])).toEqual(['active directory', 'printer', 'vpn']);
  });

  it('keeps an empty list empty', () => {
    expect(normalizeTags([])).toEqual([]);
  });

  it('is idempotent and gives trimmed, lower-case, unique, sorted tags for any input', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 12 }), { maxLength: 30 }), (tags) => {
        const once = normalizeTags(tags);
        expect(normalizeTags(once)).toEqual(once);
        expect(new Set(once).size).toBe(once.length);
        expect([...once].sort()).toEqual(once);
        for (const tag of once) {
          expect(tag).toBe(tag.trim().toLowerCase());
          expect(tag).not.toBe('');
        }
      }),
    );
  });
});

describe('checkTags', () => {
  const tag = (i: number) => `tag-${String(i).padStart(2, '0')}`;

  it(`accepts ${MAX_TAGS} tags of ${MAX_TAG_LENGTH} characters`, () => {
    const tags = Array.from({ length: MAX_TAGS }, (_, i) => tag(i).padEnd(MAX_TAG_LENGTH, 'x'));
    expect(checkTags(tags)).toEqual({ ok: true, tags });
  });

  it('counts tags after removing duplicates', () => {
    const tags = Array.from({ length: MAX_TAGS }, (_, i) => tag(i));
    expect(checkTags([...tags, ...tags.map((t) => t.toUpperCase())])).toEqual({ ok: true, tags });
  });

  it(`refuses more than ${MAX_TAGS} tags`, () => {
    const tags = Array.from({ length: MAX_TAGS + 1 }, (_, i) => tag(i));
    expect(checkTags(tags)).toEqual({ ok: false, tags, errors: [{ field: 'tags', message: `must have at most ${MAX_TAGS} tags (has ${MAX_TAGS + 1})` }] });
  });

  it('refuses a tag that is too long, naming it by its place in the stored list', () => {
    const long = 'b'.repeat(MAX_TAG_LENGTH + 1);
    expect(checkTags(['a', `  ${long.toUpperCase()} `])).toEqual({ ok: false, tags: ['a', long], errors: [{ field: 'tags[1]', message: `must be at most ${MAX_TAG_LENGTH} characters (has ${MAX_TAG_LENGTH + 1})` }] });
  });

  it('counts characters, not UTF-16 units', () => {
    expect(checkTags(['🖨'.repeat(MAX_TAG_LENGTH)]).ok).toBe(true);
  });

  it('accepts exactly the lists whose normalized form is within the limits', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 60 }), { maxLength: 30 }), (tags) => {
        const normalized = normalizeTags(tags);
        const within = normalized.length <= MAX_TAGS && normalized.every((t) => [...t].length <= MAX_TAG_LENGTH);
        expect(checkTags(tags).ok).toBe(within);
      }),
    );
  });
});

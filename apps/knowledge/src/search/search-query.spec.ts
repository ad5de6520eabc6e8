import { anyWordQuery, MAX_FUZZY_WORDS, MAX_SUGGEST_WORDS, parseSearch } from './search-query';

describe('parseSearch', () => {
  it('passes plain words to websearch and compares the longer ones with titles', () => {
    expect(parseSearch('priner is offline')).toEqual({ text: 'priner is offline', prefixQuery: null, fuzzyWords: ['priner', 'offline'], excludedQuery: null, positive: true });
  });

  it('turns a word ending in * or :* into a prefix term and takes it out of the websearch text', () => {
    expect(parseSearch('print* queue net:*')).toEqual({ text: 'queue', prefixQuery: `'print':* & 'net':*`, fuzzyWords: ['queue'], excludedQuery: null, positive: true });
  });

  it('excludes a -word, a -prefix* and a -"phrase", also from titles found by similarity', () => {
    const parsed = parseSearch('printer -windows -scan* -"blue screen"');
    expect(parsed).toMatchObject({ fuzzyWords: ['printer'], prefixQuery: `!'scan':*`, positive: true });
    expect(parsed.text).toBe('printer -windows   -"blue screen"');
    expect(parsed.excludedQuery).toBe(`'windows' | 'scan':* | 'blue' <-> 'screen'`);
  });

  it('keeps a quoted phrase exact: its words are not compared by similarity and a * inside it is no prefix', () => {
    expect(parseSearch('"printer offline*" jams')).toEqual({ text: '"printer offline*" jams', prefixQuery: null, fuzzyWords: ['jams'], excludedQuery: null, positive: true });
    expect(parseSearch('"unclosed quote')).toMatchObject({ text: '"unclosed quote', fuzzyWords: [], positive: true });
  });

  it('asks for nothing when every word is excluded or there is no word at all', () => {
    expect(parseSearch('-printer -scan*').positive).toBe(false);
    expect(parseSearch(`' & | ! :* \\ ( ) <-> "" -`).positive).toBe(false);
    expect(parseSearch('or').positive).toBe(false);
  });

  it('lets only letters and digits into a prefix term, so it is never tsquery syntax', () => {
    expect(parseSearch(`it's* a'b:* \\*`)).toMatchObject({ prefixQuery: null });
    expect(parseSearch('Grüße* 3d*')).toMatchObject({ prefixQuery: `'grüße':* & '3d':*`, text: '' });
  });

  it('compares at most a bounded number of distinct words by similarity', () => {
    const words = Array.from({ length: 20 }, (_, i) => `word${String.fromCharCode(97 + i)}`);
    expect(parseSearch([...words, ...words].join(' ')).fuzzyWords).toHaveLength(MAX_FUZZY_WORDS);
    expect(parseSearch('Printer PRINTER printer').fuzzyWords).toEqual(['printer']);
  });
});

describe('anyWordQuery', () => {
  it('matches any word of a text, each quoted, without repeats', () => {
    expect(anyWordQuery(`My VPN password expired; the VPN says "it's locked"`)).toEqual({
      query: `'my' | 'vpn' | 'password' | 'expired' | 'the' | 'says' | 'it' | 's' | 'locked'`,
      words: ['my', 'vpn', 'password', 'expired', 'the', 'says', 'it', 's', 'locked'],
    });
  });

  it('is null for a text without words and bounded for a long one', () => {
    expect(anyWordQuery(`!!! ''' ---`)).toBeNull();
    expect(anyWordQuery(Array.from({ length: 100 }, (_, i) => `w${i}`).join(' '))?.words).toHaveLength(MAX_SUGGEST_WORDS);
  });
});

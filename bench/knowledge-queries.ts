/**
 * What the knowledge benchmarks search for, chosen against the generated corpus
 * (apps/knowledge/test/support/article-corpus.ts): bench/knowledge.bench.ts asks them over RPC, the whole-suite
 * scenario (bench/suite/scenarios/knowledge.ts) through the gateway.
 */

/** Words of the generated corpus, from common (in a fifth of the articles) to rare (a few hundred). */
export const COMMON = ['printer', 'password', 'vpn', 'outlook', 'laptop', 'update', 'error', 'connect', 'slow', 'teams'];
export const RARE = ['korvantel', 'miradex', 'clicking noise', 'blank pages', 'certificate warning', 'time zone', 'read-only', 'docking', 'badge', 'scanner'];
export const PHRASES = ['"blank pages"', '"cannot connect"', '"certificate warning"', '"docking station"', '"shared mailbox"', '"time zone"', '"read-only mode"', '"spam filter"'];
export const PREFIXES = ['print*', 'netw*', 'sync*', 'certif*', 'mail*', 'dock*', 'pass*', 'upd*'];
export const TYPOS = ['priner', 'pasword', 'outlok', 'certficate', 'keybaord', 'dokcing', 'mailbx', 'scaner', 'browsr', 'firewal'];
export const MIXED = ['printer blank pages -windows', 'vpn "cannot connect" macOS', 'reset password mfa', 'outlook signature update', 'teams meeting slow', 'laptop docking monitor'];
/** Ticket-like texts of 10–15 words, for suggestions. */
export const TICKETS = [
  'My laptop does not start after the Windows update, the screen stays black',
  'Cannot connect to VPN from the hotel, it keeps disconnecting every few minutes',
  'Printer on the third floor prints blank pages since this morning',
  'Outlook asks for my password again and again and the shared mailbox is missing',
  'Teams meeting is very slow and my USB headset is not detected',
];

/** The rare queries of one word. */
export const RARE_WORDS = RARE.filter((q) => !q.includes(' '));
/** Several plain words: the rare pairs, and words with a phrase or an exclusion. */
export const MULTI_WORD = [...RARE.filter((q) => q.includes(' ')), ...MIXED];

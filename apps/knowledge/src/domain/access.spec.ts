import { ArticleAudience, ArticleState } from '@itsm/contracts';
import { ada, alice, maria, sam } from '@itsm/testing';
import { isAgent, isManager, mayReadVersion, readableVersion } from './access';

describe('article visibility', () => {
  const draft = { state: ArticleState.Draft, latestVersion: 1, publishedVersion: null };
  const reworked = { state: ArticleState.Published, latestVersion: 3, publishedVersion: 2 };
  const retired = { state: ArticleState.Retired, latestVersion: 2, publishedVersion: 2 };

  it('gives agents, managers and admins the newest version of any article', () => {
    for (const actor of [sam, maria, ada]) {
      expect(readableVersion(actor, draft)).toBe(1);
      expect(readableVersion(actor, reworked)).toBe(3);
      expect(readableVersion(actor, retired)).toBe(2);
    }
  });

  it('gives a requester the published version of a published article, and nothing of a draft or a retired one', () => {
    expect(readableVersion(alice, reworked)).toBe(2);
    expect(readableVersion(alice, draft)).toBeNull();
    expect(readableVersion(alice, retired)).toBeNull();
  });

  it('lets a requester read a published public version only', () => {
    expect(mayReadVersion(alice, { state: 'published', audience: ArticleAudience.Public })).toBe(true);
    expect(mayReadVersion(alice, { state: 'published', audience: ArticleAudience.Internal })).toBe(false);
    expect(mayReadVersion(alice, { state: 'superseded', audience: ArticleAudience.Public })).toBe(false);
    expect(mayReadVersion(alice, { state: 'draft', audience: ArticleAudience.Public })).toBe(false);
    expect(mayReadVersion(sam, { state: 'draft', audience: ArticleAudience.Internal })).toBe(true);
  });

  it('tells agents and managers apart', () => {
    expect([sam, maria, ada, alice].map(isAgent)).toEqual([true, true, true, false]);
    expect([sam, maria, ada, alice].map(isManager)).toEqual([false, true, true, false]);
  });
});

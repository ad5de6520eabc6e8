import { ArticleAudience, type KnownErrorView, KnownErrorState } from '@itsm/contracts';
import { articleFromKnownError } from './known-error-article';

function knownError(overrides: Partial<KnownErrorView> = {}): KnownErrorView {
  return {
    id: '6f1c2a34-1d2b-4c1e-9a55-0b7f0e6a1001',
    number: 'KE0001001',
    problemId: '6f1c2a34-1d2b-4c1e-9a55-0b7f0e6a2002',
    problemNumber: 'PRB0001001',
    title: 'VPN tunnels drop above 256 users',
    symptoms: 'Users are disconnected every few minutes.',
    rootCause: 'The concentrator licence caps tunnels at 256.',
    workaround: 'Reconnect to the secondary gateway.',
    causeCategory: 'capacity',
    ciIds: ['6f1c2a34-1d2b-4c1e-9a55-0b7f0e6a3003', '6f1c2a34-1d2b-4c1e-9a55-0b7f0e6a3003'],
    serviceId: null,
    category: 'network',
    state: KnownErrorState.Published,
    publishedAt: '2026-12-01T10:00:00.000Z',
    publishedBy: 'maria',
    retiredAt: null,
    retireReason: null,
    version: 1,
    ...overrides,
  };
}

describe('an article made from a known error', () => {
  it('has the sections Symptoms, Root cause and Workaround in that order, with the known error text', () => {
    const { body } = articleFromKnownError(knownError());
    const at = ['## Symptoms', '## Root cause', '## Workaround'].map((heading) => body.indexOf(heading));
    expect(at.every((index) => index >= 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(body).toContain('Users are disconnected every few minutes.');
    expect(body).toContain('The concentrator licence caps tunnels at 256.');
    expect(body).toContain('Reconnect to the secondary gateway.');
  });

  it('is owned by the publisher, internal, and keeps the problem, known error, category and distinct CIs', () => {
    expect(articleFromKnownError(knownError())).toMatchObject({
      title: 'VPN tunnels drop above 256 users',
      ownerId: 'maria',
      audience: ArticleAudience.Internal,
      problemId: '6f1c2a34-1d2b-4c1e-9a55-0b7f0e6a2002',
      knownErrorId: '6f1c2a34-1d2b-4c1e-9a55-0b7f0e6a1001',
      category: 'network',
      ciIds: ['6f1c2a34-1d2b-4c1e-9a55-0b7f0e6a3003'],
    });
  });

  it('says a section was not recorded rather than leaving a bare heading', () => {
    expect(articleFromKnownError(knownError({ symptoms: '  ' })).body).toContain('## Symptoms\n\n_Not recorded._');
  });
});

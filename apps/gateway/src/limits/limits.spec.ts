import { rateLimitHeaders } from './rate-limit.guard';
import { requestDeadlines } from './request-deadline.interceptor';
import { RouteClass } from './route-class';
import { clientKey } from './rate-limiter';

describe('rate-limit headers', () => {
  it('states the policy and what is left as structured fields', () => {
    expect(rateLimitHeaders({ routeClass: RouteClass.Write, quota: 300, windowSeconds: 60, allowed: true, remaining: 12, resetSeconds: 41 })).toEqual({
      'ratelimit-policy': '"write";q=300;w=60',
      ratelimit: '"write";r=12;t=41',
    });
  });

  it('states only the policy when the request went through uncounted', () => {
    expect(rateLimitHeaders({ routeClass: RouteClass.Read, quota: 1200, windowSeconds: 60, allowed: true, resetSeconds: 41 })).toEqual({ 'ratelimit-policy': '"read";q=1200;w=60' });
  });
});

describe('client keys', () => {
  it('turns any subject into a short key of the characters a KV key may hold', () => {
    const keys = ['api-key:7f3c', 'ada.lovelace@example.com', 'ünïcødé sub with spaces', 'a'.repeat(500)].map(clientKey);

    for (const key of keys) expect(key).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe('request deadlines', () => {
  it('lies a second beyond the RPC timeout unless set', () => {
    expect(requestDeadlines({ RPC_TIMEOUT_MS: 5_000 })[RouteClass.Read]).toBe(6_000);
    expect(requestDeadlines({ RPC_TIMEOUT_MS: 5_000, REQUEST_TIMEOUT_MS: 8_000 })[RouteClass.Write]).toBe(8_000);
  });

  it('gives a CMDB import its longer RPC timeout with the same margin', () => {
    expect(requestDeadlines({ RPC_TIMEOUT_MS: 5_000, REQUEST_TIMEOUT_MS: 8_000 })[RouteClass.Import]).toBe(123_000);
    expect(requestDeadlines({ RPC_TIMEOUT_MS: 200_000 })[RouteClass.Import]).toBe(201_000);
  });
});

import { spawnApp } from '@itsm/testing';

describe('gateway configuration', () => {
  async function startWith(env: Record<string, string>): Promise<string[]> {
    const started = spawnApp('gateway', env);
    await expect(started.exited).resolves.toBe(1);
    return started.output().trim().split('\n');
  }

  it('stops at start with one line when JWT_SECRET is missing', async () => {
    await expect(startWith({})).resolves.toEqual(['Invalid configuration: JWT_SECRET must be set to a secret of at least 32 characters (or set JWT_JWKS_URL); got (not set)']);
  });

  it('reports a short JWT_SECRET by its length, never its value', async () => {
    const lines = await startWith({ JWT_SECRET: 'hunter2' });
    expect(lines).toEqual(['Invalid configuration: JWT_SECRET must be set to a secret of at least 32 characters (or set JWT_JWKS_URL); got 7 characters']);
  });

  it('names a JWT_JWKS_URL that is not an http(s) URL', async () => {
    const lines = await startWith({ JWT_JWKS_URL: 'ldap://idp/keys' });
    expect(lines).toEqual(['Invalid configuration: JWT_JWKS_URL must be an http(s) URL; got "ldap://idp/keys"']);
  });

  it('names a bad NATS_URL', async () => {
    const lines = await startWith({ JWT_SECRET: 'x'.repeat(40), NATS_URL: 'amqp://broker:5672' });
    expect(lines).toEqual(['Invalid configuration: NATS_URL must be one or more nats:// URLs, comma-separated; got "amqp://broker:5672"']);
  });
});

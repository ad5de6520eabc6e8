import { ErrorCode, Role } from '@itsm/contracts';
import { mintToken, TEST_JWT_ISSUER, TEST_JWT_SECRET, unsignedToken } from '@itsm/testing';
import { generateKeyPairSync } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { apiKeyOf, AuthenticationError, authenticate, bearerChallenge, type TokenVerification } from './authentication';

const verification: TokenVerification = { secret: TEST_JWT_SECRET, issuer: TEST_JWT_ISSUER };

async function refusal(header: string | undefined, options: TokenVerification = verification): Promise<AuthenticationError> {
  try {
    await authenticate(header, options);
  } catch (error) {
    if (error instanceof AuthenticationError) return error;
    throw error;
  }
  throw new Error('the header was accepted');
}

describe('authenticate', () => {
  it('returns the actor of a valid token, dropping roles the suite does not know', async () => {
    const token = mintToken({ sub: 'carol', name: 'Carol', roles: ['manager', 'root', 'agent'], groups: ['network'] });

    await expect(authenticate(`Bearer ${token}`, verification)).resolves.toEqual({ sub: 'carol', name: 'Carol', roles: [Role.Manager, Role.Agent], groups: ['network'] });
  });

  it('carries the manager claim as the actor’s managerId', async () => {
    const token = mintToken({ sub: 'alice', name: undefined, roles: ['requester'], manager: 'mallory' });

    await expect(authenticate(`Bearer ${token}`, verification)).resolves.toEqual({ sub: 'alice', roles: [Role.Requester], managerId: 'mallory' });
  });

  it('refuses a manager claim that is not a non-empty string', async () => {
    await expect(refusal(`Bearer ${mintToken({ manager: ['mallory'] })}`)).resolves.toMatchObject({ invalidToken: true, message: 'token claim "manager" must be a non-empty string' });
    await expect(refusal(`Bearer ${mintToken({ manager: '' })}`)).resolves.toMatchObject({ invalidToken: true });
  });

  it('treats a token without roles as a caller with none', async () => {
    const token = mintToken({ sub: 'dave', roles: undefined, name: undefined });

    await expect(authenticate(`bearer ${token}`, verification)).resolves.toEqual({ sub: 'dave', roles: [] });
  });

  it('asks for a token when none is sent', async () => {
    const error = await refusal(undefined);

    expect(error.code).toBe(ErrorCode.UNAUTHENTICATED);
    expect(bearerChallenge(error)).toBe('Bearer realm="itsm"');
  });

  it.each([
    ['a non-bearer scheme', `Basic ${Buffer.from('a:b').toString('base64')}`, false],
    ['an expired token', `Bearer ${mintToken({}, { expiresInSeconds: -1 })}`, true],
    ['a token without expiry', `Bearer ${mintToken({}, { expiresInSeconds: null })}`, true],
    ['a token signed with another secret', `Bearer ${mintToken({}, { secret: 'x'.repeat(40) })}`, true],
    ['a token of another algorithm', `Bearer ${mintToken({}, { algorithm: 'HS384' })}`, true],
    ['an unsigned token', `Bearer ${unsignedToken()}`, true],
    ['a token of another issuer', `Bearer ${mintToken({}, { issuer: 'elsewhere' })}`, true],
    ['a token without subject', `Bearer ${mintToken({ sub: undefined })}`, true],
    ['a token whose roles are not a list', `Bearer ${mintToken({ roles: 'admin' })}`, true],
    ['a token whose subject names an API key', `Bearer ${mintToken({ sub: 'api-key:Q3vN8kLm2XpA', roles: ['admin'] })}`, true],
  ])('refuses %s', async (_label, header, invalidToken) => {
    const error = await refusal(header);

    expect(error.invalidToken).toBe(invalidToken);
    expect(bearerChallenge(error)).toBe(invalidToken ? 'Bearer realm="itsm", error="invalid_token"' : 'Bearer realm="itsm"');
  });

  it('checks the audience when one is configured', async () => {
    const token = mintToken({ aud: 'itsm-api' });

    await expect(authenticate(`Bearer ${token}`, { ...verification, audience: 'itsm-api' })).resolves.toMatchObject({ sub: 'alice' });
    await expect(refusal(`Bearer ${token}`, { ...verification, audience: 'other-api' })).resolves.toMatchObject({ message: 'token audience is not accepted' });
  });

  describe('with an identity provider’s RS256 keys', () => {
    const provider = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const keys: TokenVerification = { signingKeys: { get: async (kid) => (kid === 'key-1' ? provider.publicKey : undefined) } };
    const rs256 = (kid: string, key = provider.privateKey, claims: object = {}) =>
      `Bearer ${jwt.sign({ sub: 'erin', roles: ['agent'], ...claims }, key, { algorithm: 'RS256', keyid: kid, expiresIn: 600 })}`;

    it('accepts a token signed with a published key', async () => {
      await expect(authenticate(rs256('key-1'), keys)).resolves.toEqual({ sub: 'erin', roles: [Role.Agent] });
    });

    it('refuses a token naming a key the provider does not publish', async () => {
      await expect(refusal(rs256('key-9'), keys)).resolves.toMatchObject({ message: 'token is signed with an unknown key' });
    });

    it('refuses a token signed by someone else under a published key id', async () => {
      await expect(refusal(rs256('key-1', stranger.privateKey), keys)).resolves.toMatchObject({ message: 'token is not valid' });
    });

    it('refuses HS256 tokens when only the provider’s keys are configured, and RS256 ones when only a secret is', async () => {
      await expect(refusal(`Bearer ${mintToken()}`, keys)).resolves.toMatchObject({ message: 'tokens signed with HS256 are not accepted' });
      await expect(refusal(rs256('key-1'), verification)).resolves.toMatchObject({ message: 'tokens signed with RS256 are not accepted' });
    });
  });
});

describe('apiKeyOf', () => {
  const key = `itsm_Q3vN8kLm2XpA_${'a'.repeat(43)}`;

  it('finds an API key in X-API-Key or as the bearer credential', () => {
    expect([apiKeyOf({ 'x-api-key': key }), apiKeyOf({ authorization: `Bearer ${key}` }), apiKeyOf({ authorization: `bearer  ${key} ` })]).toEqual([key, key, key]);
  });

  it('leaves a JWT, another scheme or no header to token authentication', () => {
    expect([apiKeyOf({ authorization: `Bearer ${mintToken()}` }), apiKeyOf({ authorization: `Basic ${key}` }), apiKeyOf({})]).toEqual([undefined, undefined, undefined]);
  });

  it('refuses a request that sends both a key header and an Authorization header', () => {
    expect(() => apiKeyOf({ 'x-api-key': key, authorization: `Bearer ${mintToken()}` })).toThrow(AuthenticationError);
  });

  it('refuses an empty or repeated X-API-Key header', () => {
    expect(() => apiKeyOf({ 'x-api-key': ' ' })).toThrow(AuthenticationError);
    expect(() => apiKeyOf({ 'x-api-key': [key, key] })).toThrow(AuthenticationError);
  });
});

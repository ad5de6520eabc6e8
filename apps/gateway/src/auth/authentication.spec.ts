import { ErrorCode, Role } from '@itsm/contracts';
import { mintToken, TEST_JWT_ISSUER, TEST_JWT_SECRET, unsignedToken } from '@itsm/testing';
import { AuthenticationError, authenticate, bearerChallenge } from './authentication';

const verification = { secret: TEST_JWT_SECRET, issuer: TEST_JWT_ISSUER };

function refusal(header: string | undefined, options = verification): AuthenticationError {
  try {
    authenticate(header, options);
  } catch (error) {
    if (error instanceof AuthenticationError) return error;
    throw error;
  }
  throw new Error('the header was accepted');
}

describe('authenticate', () => {
  it('returns the actor of a valid token, dropping roles the suite does not know', () => {
    const token = mintToken({ sub: 'carol', name: 'Carol', roles: ['manager', 'root', 'agent'], groups: ['network'] });

    expect(authenticate(`Bearer ${token}`, verification)).toEqual({ sub: 'carol', name: 'Carol', roles: [Role.Manager, Role.Agent], groups: ['network'] });
  });

  it('treats a token without roles as a caller with none', () => {
    const token = mintToken({ sub: 'dave', roles: undefined, name: undefined });

    expect(authenticate(`bearer ${token}`, verification)).toEqual({ sub: 'dave', roles: [] });
  });

  it('asks for a token when none is sent', () => {
    const error = refusal(undefined);

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
  ])('refuses %s', (_label, header, invalidToken) => {
    const error = refusal(header);

    expect(error.invalidToken).toBe(invalidToken);
    expect(bearerChallenge(error)).toBe(invalidToken ? 'Bearer realm="itsm", error="invalid_token"' : 'Bearer realm="itsm"');
  });

  it('checks the audience when one is configured', () => {
    const token = mintToken({ aud: 'itsm-api' });

    expect(authenticate(`Bearer ${token}`, { ...verification, audience: 'itsm-api' }).sub).toBe('alice');
    expect(refusal(`Bearer ${token}`, { ...verification, audience: 'other-api' } as typeof verification).message).toBe('token audience is not accepted');
  });
});

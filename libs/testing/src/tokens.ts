import jwt from 'jsonwebtoken';

export const TEST_JWT_SECRET = 'test-secret-that-is-long-enough-for-hs256-0123456789';
export const TEST_JWT_ISSUER = 'itsm-test';

export interface TokenClaims {
  sub?: string;
  name?: string;
  roles?: unknown;
  groups?: unknown;
  [claim: string]: unknown;
}

export interface MintOptions {
  secret?: string;
  issuer?: string | null;
  /** Seconds until expiry; negative for an expired token, null for none at all. */
  expiresInSeconds?: number | null;
  algorithm?: jwt.Algorithm;
}

/** Signs a token the way an identity provider would; defaults make a valid agent token for the test gateway. */
export function mintToken(claims: TokenClaims = {}, options: MintOptions = {}): string {
  const now = Math.floor(Date.now() / 1_000);
  const payload: Record<string, unknown> = { sub: 'alice', name: 'Alice Agent', roles: ['agent'], iat: now, ...claims };
  const expiresIn = options.expiresInSeconds === undefined ? 600 : options.expiresInSeconds;
  if (expiresIn !== null) payload['exp'] = now + expiresIn;
  const issuer = options.issuer === undefined ? TEST_JWT_ISSUER : options.issuer;
  if (issuer !== null) payload['iss'] = issuer;
  return jwt.sign(payload, options.secret ?? TEST_JWT_SECRET, { algorithm: options.algorithm ?? 'HS256' });
}

/** A token with `alg: none` and no signature, which a verifier must never accept. */
export function unsignedToken(claims: TokenClaims = {}): string {
  const encode = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1_000);
  return `${encode({ alg: 'none', typ: 'JWT' })}.${encode({ sub: 'mallory', roles: ['admin'], iss: TEST_JWT_ISSUER, exp: now + 600, ...claims })}.`;
}

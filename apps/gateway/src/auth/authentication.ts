import type { KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { SigningKeys } from './jwks';
import { type Actor, ALL_ROLES, API_KEY_PREFIX, API_KEY_SUBJECT_PREFIX, CommonError, CommonErrorCode, type Role } from '@itsm/contracts';

export interface TokenVerification {
  /** The HS256 key, when HS256 tokens are accepted; a KeyObject saves jsonwebtoken from re-parsing it each time. */
  secret?: string | KeyObject;
  /** The RS256 keys of an identity provider, when RS256 tokens are accepted. */
  signingKeys?: SigningKeys;
  issuer?: string;
  audience?: string;
}

/**
 * A request without valid credentials. `invalidToken` is set when a token was sent but refused, which the
 * `WWW-Authenticate` challenge reports as `error="invalid_token"` (RFC 6750 §3).
 */
export class AuthenticationError extends CommonError {
  constructor(
    message: string,
    readonly invalidToken: boolean,
  ) {
    super(CommonErrorCode.Unauthenticated, message);
    this.name = 'AuthenticationError';
  }
}

/** The `WWW-Authenticate` value of a 401 answer. */
export function bearerChallenge(error: unknown): string {
  return error instanceof AuthenticationError && error.invalidToken ? 'Bearer realm="itsm", error="invalid_token"' : 'Bearer realm="itsm"';
}

const KNOWN_ROLES = new Set<string>(ALL_ROLES);

function stringList(value: unknown, claim: string): string[] {
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    throw new AuthenticationError(`token claim "${claim}" must be an array of strings`, true);
  }
  return value;
}

/** The actor named by verified claims; roles the suite does not know are dropped. */
export function actorFromClaims(claims: jwt.JwtPayload): Actor {
  if (typeof claims.sub !== 'string' || claims.sub.length === 0) throw new AuthenticationError('token has no subject', true);
  // Those subjects name API keys: a token claiming one would pass for a key in the audit trail.
  if (claims.sub.startsWith(API_KEY_SUBJECT_PREFIX)) throw new AuthenticationError('token subject is not valid', true);
  if (typeof claims.exp !== 'number') throw new AuthenticationError('token has no expiry', true);
  const roles = claims['roles'] === undefined ? [] : stringList(claims['roles'], 'roles');
  const actor: Actor = { sub: claims.sub, roles: [...new Set(roles.filter((role) => KNOWN_ROLES.has(role)))] as Role[] };
  const name: unknown = claims['name'];
  if (typeof name === 'string' && name.length > 0) actor.name = name;
  if (claims['groups'] !== undefined) actor.groups = stringList(claims['groups'], 'groups');
  const manager: unknown = claims['manager'];
  if (manager !== undefined) {
    if (typeof manager !== 'string' || manager.length === 0) throw new AuthenticationError('token claim "manager" must be a non-empty string', true);
    actor.managerId = manager;
  }
  return actor;
}

function explain(error: unknown): string {
  if (error instanceof jwt.TokenExpiredError) return 'token has expired';
  if (error instanceof jwt.NotBeforeError) return 'token is not valid yet';
  if (error instanceof jwt.JsonWebTokenError) {
    if (error.message.startsWith('jwt issuer invalid')) return 'token issuer is not accepted';
    if (error.message.startsWith('jwt audience invalid')) return 'token audience is not accepted';
  }
  return 'token is not valid';
}

/** The key a token's header asks for, among those this gateway accepts; the algorithm is pinned to the key's kind. */
async function keyFor(token: string, verification: TokenVerification): Promise<{ key: string | KeyObject; algorithm: jwt.Algorithm }> {
  const decoded = jwt.decode(token, { complete: true });
  if (!decoded || typeof decoded === 'string') throw new AuthenticationError('token is not valid', true);
  const { alg, kid } = decoded.header;
  if (alg === 'HS256' && verification.secret) return { key: verification.secret, algorithm: 'HS256' };
  if (alg === 'RS256' && verification.signingKeys) {
    const key = await verification.signingKeys.get(kid);
    if (!key) throw new AuthenticationError('token is signed with an unknown key', true);
    return { key, algorithm: 'RS256' };
  }
  throw new AuthenticationError(`tokens signed with ${String(alg)} are not accepted`, true);
}

/**
 * Verifies an `Authorization: Bearer <JWT>` header (HS256 with the shared secret and/or RS256 with the identity
 * provider's published keys; expiry always, issuer and audience when configured) and returns the actor it names.
 */
export async function authenticate(authorization: string | undefined, verification: TokenVerification): Promise<Actor> {
  if (!authorization) throw new AuthenticationError('this request needs an "Authorization: Bearer <token>" header', false);
  const match = /^Bearer[ ]+([^\s]+)\s*$/i.exec(authorization);
  const token = match?.[1];
  if (!token) throw new AuthenticationError('the Authorization header must be "Bearer <token>"', false);
  const { key, algorithm } = await keyFor(token, verification);
  let claims: string | jwt.JwtPayload;
  try {
    claims = jwt.verify(token, key, {
      algorithms: [algorithm],
      ...(verification.issuer ? { issuer: verification.issuer } : {}),
      ...(verification.audience ? { audience: verification.audience } : {}),
    });
  } catch (error) {
    throw new AuthenticationError(explain(error), true);
  }
  if (typeof claims === 'string') throw new AuthenticationError('token is not valid', true);
  return actorFromClaims(claims);
}

/** `Authorization: Bearer itsm_…`: an API key where a token would be (a JWT never starts with `itsm_`). */
const BEARER_API_KEY = new RegExp(`^Bearer[ ]+(${API_KEY_PREFIX}[^\\s]*)\\s*$`, 'i');

/**
 * The API key a request carries, in `X-API-Key` or as the bearer credential, or undefined when it carries none (and
 * is then authenticated by its token). A request with both a key header and an `Authorization` header is refused:
 * which of the two it means to act as is not for the gateway to guess.
 */
export function apiKeyOf(headers: { authorization?: string; 'x-api-key'?: string | string[] }): string | undefined {
  const header = headers['x-api-key'];
  if (header !== undefined) {
    if (headers.authorization !== undefined) throw new AuthenticationError('send either an Authorization header or an X-API-Key header, not both', false);
    const key = Array.isArray(header) ? undefined : header.trim();
    if (!key) throw new AuthenticationError('the X-API-Key header must hold one API key', false);
    return key;
  }
  return BEARER_API_KEY.exec(headers.authorization ?? '')?.[1];
}

import { sign } from 'jsonwebtoken';
import type { Role } from '@itsm/contracts';

export const TEST_JWT_SECRET = 'test-secret-that-is-long-enough-for-hs256-0123456789';

/** A bearer token as an identity provider would issue it. */
export function mintToken(claims: { sub: string; roles: Array<Role | string>; name?: string; groups?: string[] }, options: { secret?: string; expiresIn?: number } = {}): string {
  return sign(claims, options.secret ?? TEST_JWT_SECRET, { algorithm: 'HS256', expiresIn: options.expiresIn ?? 3600 });
}

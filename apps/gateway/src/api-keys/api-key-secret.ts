/** Making, reading and checking API keys: `itsm_<id>_<secret>`, stored only as a keyed hash. */
import { createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { API_KEY_PATTERN, API_KEY_PREFIX } from '@itsm/contracts';

const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const ID_LENGTH = 12;
const SECRET_BYTES = 32;

/** A fresh key id: 12 random letters and digits (about 71 bits, so ids do not collide in practice). */
export function newKeyId(): string {
  let id = '';
  for (let index = 0; index < ID_LENGTH; index += 1) id += BASE62[randomInt(BASE62.length)];
  return id;
}

/** A fresh key of this id: the secret is 32 random bytes in base64url. */
export function newKey(id: string): string {
  return `${API_KEY_PREFIX}${id}_${randomBytes(SECRET_BYTES).toString('base64url')}`;
}

/** The id of a well-formed key, or undefined for anything else. */
export function keyIdOf(key: string): string | undefined {
  return API_KEY_PATTERN.exec(key)?.[1];
}

/**
 * HMAC-SHA256 of the whole key under the server's secret, base64url. A fast hash suffices: the secret has 256 random
 * bits, so nothing is gained by slowing guesses down, and every request pays for the check.
 */
export function hashKey(key: string, serverSecret: string): string {
  return createHmac('sha256', serverSecret).update(key, 'utf8').digest('base64url');
}

/** True when `key` hashes to `storedHash`, compared in constant time. */
export function keyMatches(key: string, storedHash: Buffer, serverSecret: string): boolean {
  const hash = createHmac('sha256', serverSecret).update(key, 'utf8').digest();
  return hash.length === storedHash.length && timingSafeEqual(hash, storedHash);
}

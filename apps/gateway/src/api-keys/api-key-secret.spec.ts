import { API_KEY_PATTERN } from '@itsm/contracts';
import { hashKey, keyIdOf, keyMatches, newKey, newKeyId } from './api-key-secret';

const SERVER_SECRET = 's'.repeat(40);

describe('API key material', () => {
  it('makes keys of the published form, each different', () => {
    const keys = Array.from({ length: 50 }, () => newKey(newKeyId()));

    expect(keys.filter((key) => !API_KEY_PATTERN.test(key))).toEqual([]);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('reads the id of a well-formed key and nothing from anything else', () => {
    const key = newKey('Q3vN8kLm2XpA');

    expect([keyIdOf(key), keyIdOf(`${key}x`), keyIdOf('itsm_short_secret'), keyIdOf('eyJhbGciOiJIUzI1NiJ9.e30.x')]).toEqual(['Q3vN8kLm2XpA', undefined, undefined, undefined]);
  });

  it('matches a key against its keyed hash, and no other key or server secret', () => {
    const key = newKey(newKeyId());
    const stored = Buffer.from(hashKey(key, SERVER_SECRET), 'base64url');

    expect([keyMatches(key, stored, SERVER_SECRET), keyMatches(newKey(newKeyId()), stored, SERVER_SECRET), keyMatches(key, stored, 't'.repeat(40))]).toEqual([true, false, false]);
  });

  it('never stores the key or its secret in the hash', () => {
    const key = newKey(newKeyId());
    const hash = hashKey(key, SERVER_SECRET);

    expect(hash).not.toContain(key.slice(-43));
    expect(hash).toHaveLength(43);
  });
});

import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SUITE_IDENTITIES, suitePermissions } from '@itsm/contracts';
import { brokerUsers, ensureLocalIdentities, mintNkey, publicKeyOfSeed, publicKeyVariable, readSeed, renderAuthorization } from './bus-auth';

describe('broker identities', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'itsm-bus-auth-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('mints one key per identity, readable by its owner only, and keeps them on the next run', () => {
    const first = ensureLocalIdentities(dir);
    expect(Object.keys(first.publicKeys).sort()).toEqual([...SUITE_IDENTITIES].sort());
    for (const identity of SUITE_IDENTITIES) {
      expect(statSync(join(dir, `${identity}.nk`)).mode & 0o077).toBe(0);
      expect(publicKeyOfSeed(readSeed(dir, identity) as string)).toBe(first.publicKeys[identity]);
    }
    expect(ensureLocalIdentities(dir).publicKeys).toEqual(first.publicKeys);
    expect(first.authorization).toContain(`nkey: "${first.publicKeys['incident']}"`);
    expect(first.authorization).not.toContain(readSeed(dir, 'incident'));
  });

  it('names the file, never its content, when a seed cannot be used', () => {
    expect(readSeed(undefined, 'incident')).toBeUndefined();
    expect(() => readSeed(dir, 'incident')).toThrow(`cannot read ${join(dir, 'incident.nk')} (ENOENT)`);
    const leaked = 'SUAMNOTAVALIDSEEDBUTASECRETANYWAY';
    writeFileSync(join(dir, 'incident.nk'), leaked);
    expect(() => readSeed(dir, 'incident')).toThrow(/does not hold an nkey user seed/);
    try {
      readSeed(dir, 'incident');
    } catch (error) {
      expect(String((error as Error).message)).not.toContain(leaked);
    }
  });

  it('renders every identity with its permissions, reading keys it was not given from the server environment', () => {
    const incident = mintNkey();
    const text = renderAuthorization(brokerUsers({ incident: incident.publicKey }));
    expect(text).toContain(`nkey: "${incident.publicKey}"`);
    expect(text).toContain(`nkey: $${publicKeyVariable('gateway')}`);
    expect(publicKeyVariable('gateway')).toBe('NATS_KEY_GATEWAY');
    for (const subject of suitePermissions('incident').publish.allow) expect(text).toContain(`"${subject}"`);
    expect(text).toContain('allow_responses: true');
  });

  it('refuses to write a subject that would break out of its quotes', () => {
    expect(() => renderAuthorization([{ name: 'x', nkey: 'UX', permissions: { publish: { allow: ['a"b'] }, subscribe: { allow: [] } } }])).toThrow(/cannot be written/);
  });
});

import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { SUITE_IDENTITIES } from '@itsm/contracts';
import { publicKeyOfSeed, publicKeyVariable } from '@itsm/messaging';
import { KUBERNETES_AUTHORIZATION_FILE, kubernetesAuthorization } from './nats-authorization';
import { identitySecrets } from './nats-identities';

interface SecretDocument {
  kind: string;
  metadata: { name: string; namespace?: string };
  stringData: Record<string, string>;
}

const secretsOf = (yaml: string): SecretDocument[] => parseAllDocuments(yaml).map((document) => document.toJS() as SecretDocument);

describe('the broker authorization of the Kubernetes manifests', () => {
  it('is the one generated from the message declarations (run `npm run nats:config` after changing them)', () => {
    expect(readFileSync(KUBERNETES_AUTHORIZATION_FILE, 'utf8')).toBe(kubernetesAuthorization());
  });

  it('reads the public key of every suite identity from the environment, and holds no key itself', () => {
    const text = readFileSync(KUBERNETES_AUTHORIZATION_FILE, 'utf8');
    for (const identity of SUITE_IDENTITIES) expect(text).toContain(`nkey: $${publicKeyVariable(identity)}\n`);
    expect(text).not.toMatch(/\bS[UA][A-Z2-7]{56}\b/);
  });
});

describe('npm run nats:identities', () => {
  it('prints nats-identities with the public key of each seed Secret it prints', () => {
    const { yaml, publicKeys } = identitySecrets({ namespace: 'itsm' });
    const secrets = secretsOf(yaml);
    expect(secrets.map((secret) => secret.metadata.name)).toEqual(['nats-identities', ...SUITE_IDENTITIES.map((identity) => `nats-credentials-${identity}`)]);
    expect(secrets.every((secret) => secret.kind === 'Secret' && secret.metadata.namespace === 'itsm')).toBe(true);
    const [identities, ...seeds] = secrets;
    for (const [index, identity] of SUITE_IDENTITIES.entries()) {
      const seed = seeds[index]?.stringData[`${identity}.nk`] ?? '';
      expect(seed).toMatch(/^SU[A-Z2-7]{56}$/);
      expect(identities?.stringData[publicKeyVariable(identity)]).toBe(publicKeyOfSeed(seed));
      expect(publicKeys[identity]).toBe(publicKeyOfSeed(seed));
    }
    expect(JSON.stringify(identities)).not.toMatch(/SU[A-Z2-7]{56}/);
  });

  it('mints new keys on every run', () => {
    expect(identitySecrets().publicKeys['incident']).not.toBe(identitySecrets().publicKeys['incident']);
  });

  it('rotates only the identities named, leaving nats-identities to a patch', () => {
    const { yaml, publicKeys } = identitySecrets({ identities: ['sla', 'gateway'] });
    expect(secretsOf(yaml).map((secret) => secret.metadata.name)).toEqual(['nats-credentials-sla', 'nats-credentials-gateway']);
    expect(Object.keys(publicKeys)).toEqual(['sla', 'gateway']);
  });

  it('refuses a name that is not an identity of the suite, and a malformed namespace', () => {
    expect(() => identitySecrets({ identities: ['payroll'] })).toThrow(/not an identity of the suite: payroll/);
    expect(() => identitySecrets({ namespace: 'Bad Namespace' })).toThrow(/not a namespace name/);
  });
});

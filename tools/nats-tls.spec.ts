import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';

// Plain CommonJS (npm start runs it before a build).
const { ensureTlsMaterial, brokerConfig, tlsBlock } = require('./nats-tls') as {
  ensureTlsMaterial(dir: string, options?: { hosts?: string[] }): Record<'caFile' | 'caKeyFile' | 'certFile' | 'keyFile' | 'clientCertFile' | 'clientKeyFile', string>;
  brokerConfig(options: { configFile: string; authorizationFile?: string; tls?: { certFile: string; keyFile: string; caFile?: string; verify?: boolean } }): string;
  tlsBlock(options: { certFile: string; keyFile: string; caFile?: string; verify?: boolean }): string;
};

describe('TLS material of the private brokers', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'itsm-nats-tls-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('makes a CA, a server certificate for the hosts asked for, and a client certificate, keys readable by the owner only', () => {
    const material = ensureTlsMaterial(dir, { hosts: ['127.0.0.1', 'localhost', 'nats'] });
    const ca = new X509Certificate(readFileSync(material.caFile));
    const server = new X509Certificate(readFileSync(material.certFile));
    const client = new X509Certificate(readFileSync(material.clientCertFile));
    expect(ca.ca).toBe(true);
    expect(server.verify(ca.publicKey)).toBe(true);
    expect(client.verify(ca.publicKey)).toBe(true);
    expect(server.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(server.checkHost('nats')).toBe('nats');
    expect(server.checkHost('elsewhere.example')).toBeUndefined();
    for (const key of [material.caKeyFile, material.keyFile, material.clientKeyFile]) expect(statSync(key).mode & 0o777).toBe(0o600);
  });

  it('keeps what is still valid, and issues a new server certificate when the hosts change', () => {
    const first = ensureTlsMaterial(dir, { hosts: ['127.0.0.1', 'localhost', 'nats'] });
    const [caBefore, serverBefore] = [readFileSync(first.caFile, 'utf8'), readFileSync(first.certFile, 'utf8')];
    ensureTlsMaterial(dir, { hosts: ['127.0.0.1', 'localhost', 'nats'] });
    expect(readFileSync(first.caFile, 'utf8')).toBe(caBefore);
    expect(readFileSync(first.certFile, 'utf8')).toBe(serverBefore);
    ensureTlsMaterial(dir, { hosts: ['127.0.0.1', 'broker.internal'] });
    expect(readFileSync(first.caFile, 'utf8')).toBe(caBefore);
    expect(new X509Certificate(readFileSync(first.certFile)).checkHost('broker.internal')).toBe('broker.internal');
  });
});

describe('the configuration of a private broker', () => {
  it('includes the authorization relative to itself, as nats-server resolves includes', () => {
    expect(brokerConfig({ configFile: '/data/nats/broker.conf', authorizationFile: '/data/nats-auth/authorization.conf' })).toContain('include "../nats-auth/authorization.conf"\n');
  });

  it('asks clients for certificates only with verify', () => {
    const files = { certFile: '/t/server.pem', keyFile: '/t/server-key.pem', caFile: '/t/ca.pem' };
    expect(tlsBlock(files)).not.toContain('verify');
    expect(tlsBlock({ ...files, verify: true })).toContain('  verify: true\n');
    expect(brokerConfig({ configFile: '/c/b.conf', tls: files })).toContain('cert_file: "/t/server.pem"');
  });

  it('refuses a path that would break the configuration syntax', () => {
    expect(() => tlsBlock({ certFile: '/t/"quoted".pem', keyFile: '/t/k.pem' })).toThrow(/cannot be written/);
  });
});

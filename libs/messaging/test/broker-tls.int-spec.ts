/**
 * A broker with the suite's authorization and TLS, as `npm start` (ITSM_NATS_TLS=1), docker-compose and Kubernetes
 * run it: clients verify the broker's certificate against the suite's CA, plain connections are refused, and with
 * mutual TLS a client must present a certificate of that CA too. Private brokers on certificates made here.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect as connectSocket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type NatsConnection } from 'nats';
import { type Actor, AuditRpc, Role } from '@itsm/contracts';
import { connectNats, ensureLocalIdentities, natsConnectionOptions, type NatsSecurity, publicKeyOfSeed, readSeed, RpcClient } from '@itsm/messaging';
import type { RunningService } from '@itsm/runtime';
import { bareService, createTestDatabase, infra, serviceTestEnv, startTestService, type TestDatabase } from '@itsm/testing';

interface TlsMaterial {
  caFile: string;
  certFile: string;
  keyFile: string;
  clientCertFile: string;
  clientKeyFile: string;
}

// tools/nats-tls.js is plain CommonJS outside the project graph (npm start runs it before a build), loaded by path.
const natsTls = require(join(__dirname, '..', '..', '..', 'tools', 'nats-tls.js')) as {
  ensureTlsMaterial(dir: string, options?: { hosts?: string[] }): TlsMaterial;
  ensureCa(dir: string, options?: { name?: string; commonName?: string }): { caFile: string };
  writeBrokerConfig(file: string, options: { authorizationFile: string; tls?: { certFile: string; keyFile: string; caFile?: string; verify?: boolean } }): string;
};

interface Broker {
  url: string;
  port: number;
  stop(): Promise<void>;
}

const auditor: Actor = { sub: 'audra', name: 'Audra Auditor', roles: [Role.Auditor] };

const bareSla = bareService('sla');

describe('a broker with authorization and TLS', () => {
  let dir: string;
  let credentialsDir: string;
  let tls: TlsMaterial;
  let foreignCaFile: string;
  let serverTls: Broker;
  let mutualTls: Broker;
  const opened: NatsConnection[] = [];

  async function startBroker(name: string, verify: boolean): Promise<Broker> {
    const configFile = natsTls.writeBrokerConfig(join(dir, `${name}.conf`), {
      authorizationFile: join(dir, 'authorization.conf'),
      tls: { certFile: tls.certFile, keyFile: tls.keyFile, caFile: tls.caFile, verify },
    });
    const port = await infra.freePort();
    const broker = await infra.startNats({ dir: join(dir, name), port, configFile });
    return { url: `tls://127.0.0.1:${port}`, port, stop: () => broker.stop() };
  }

  function security(identity: string, extra: Partial<NatsSecurity> = {}): NatsSecurity {
    return { identity, nkeySeed: readSeed(credentialsDir, identity), tlsCaFile: tls.caFile, ...extra };
  }

  /** A first connection attempt only: a refused one fails instead of retrying. */
  async function connectOnce(url: string, name: string, options: NatsSecurity): Promise<NatsConnection> {
    const nc = await connect({ ...natsConnectionOptions(url, name, options), maxReconnectAttempts: 0, timeout: 3_000 });
    opened.push(nc);
    return nc;
  }

  /** What the broker answers a client that speaks plain NATS protocol, without TLS. */
  function plainExchange(port: number): Promise<string> {
    return new Promise((resolve, reject) => {
      const socket = connectSocket({ host: '127.0.0.1', port });
      let received = '';
      socket.setTimeout(5_000, () => socket.destroy(new Error(`no answer; received so far: ${received}`)));
      socket.on('data', (chunk) => {
        received += chunk.toString('utf8');
        if (received.includes('\r\n') && !received.includes('CONNECT_SENT')) {
          socket.write('CONNECT {"verbose":false,"pedantic":false,"name":"plain-probe"}\r\nPING\r\n');
          received += 'CONNECT_SENT\n';
        }
      });
      socket.on('close', () => resolve(received));
      socket.on('error', (error) => (received ? resolve(received) : reject(error)));
    });
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'itsm-broker-tls-'));
    const identities = ensureLocalIdentities(join(dir, 'credentials'));
    credentialsDir = identities.credentialsDir;
    writeFileSync(join(dir, 'authorization.conf'), identities.authorization, { mode: 0o600 });
    tls = natsTls.ensureTlsMaterial(join(dir, 'tls'));
    foreignCaFile = natsTls.ensureCa(join(dir, 'foreign'), { commonName: 'Some other CA' }).caFile;
    [serverTls, mutualTls] = await Promise.all([startBroker('server-tls', false), startBroker('mutual-tls', true)]);
  });

  afterAll(async () => {
    await Promise.allSettled(opened.map((nc) => nc.close()));
    await Promise.allSettled([serverTls?.stop(), mutualTls?.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('lets in a suite identity that verifies the broker against the suite CA', async () => {
    const nc = await connectOnce(serverTls.url, 'tls-incident', security('incident'));
    await expect(nc.flush()).resolves.toBeUndefined();
    expect(nc.info?.tls_required).toBe(true);
  });

  it('fails the handshake of a client that trusts another CA', async () => {
    await expect(connectOnce(serverTls.url, 'foreign-ca-probe', security('incident', { tlsCaFile: foreignCaFile }))).rejects.toThrow(/certificate|self[- ]signed|verify/i);
  });

  it('fails the handshake of a client that trusts only the public CAs', async () => {
    const nkeySeed = readSeed(credentialsDir, 'incident');
    const options = { ...natsConnectionOptions(serverTls.url, 'public-ca-probe', { identity: 'incident', nkeySeed }), tls: {}, maxReconnectAttempts: 0, timeout: 3_000 };
    await expect(connect(options)).rejects.toThrow(/certificate|self[- ]signed|verify/i);
  });

  it('refuses a client that does not speak TLS', async () => {
    const answer = await plainExchange(serverTls.port);
    expect(answer).toMatch(/"tls_required":true/);
    // The broker waits for a TLS handshake: the plain CONNECT fails it and the connection is closed unanswered.
    expect(answer).not.toMatch(/PONG|\+OK/);
  });

  it('still refuses a TLS client without a listed key', async () => {
    await expect(connectOnce(serverTls.url, 'keyless-probe', { tlsCaFile: tls.caFile })).rejects.toThrow(/authorization/i);
  });

  it('with mutual TLS, refuses a client without a certificate', async () => {
    await expect(connectOnce(mutualTls.url, 'certless-probe', security('incident'))).rejects.toThrow();
  });

  it('with mutual TLS, refuses a client whose certificate the suite CA did not sign', async () => {
    const foreign = natsTls.ensureTlsMaterial(join(dir, 'foreign-leaf'));
    await expect(connectOnce(mutualTls.url, 'foreign-cert-probe', security('incident', { tlsCertFile: foreign.clientCertFile, tlsKeyFile: foreign.clientKeyFile }))).rejects.toThrow();
  });

  it('with mutual TLS, lets in a client with the suite certificate and key', async () => {
    const nc = await connectOnce(mutualTls.url, 'mtls-gateway', security('gateway', { tlsCertFile: tls.clientCertFile, tlsKeyFile: tls.clientKeyFile }));
    await expect(nc.flush()).resolves.toBeUndefined();
  });

  describe('a service configured with NATS_TLS_CA_FILE', () => {
    let database: TestDatabase;
    let service: RunningService | undefined;

    beforeAll(async () => {
      database = await createTestDatabase();
    });

    afterAll(async () => {
      await service?.shutdown();
      await database?.drop();
    });

    /** The service's environment on this broker: its keys, and `admin` as the issuer of the actors it trusts. */
    function tlsEnv(caFile: string): NodeJS.ProcessEnv {
      const admin = publicKeyOfSeed(readSeed(credentialsDir, 'admin') as string);
      return serviceTestEnv(database, { NATS_URL: serverTls.url, NATS_CREDENTIALS_DIR: credentialsDir, NATS_TLS_CA_FILE: caFile, ACTOR_ISSUER_KEYS: admin });
    }

    it('serves its requests over TLS', async () => {
      service = await startTestService(bareSla, tlsEnv(tls.caFile));
      // connectNats: the connection signs the actors of its calls with the admin key.
      const nc = await connectNats(serverTls.url, 'tls-admin', security('admin'));
      opened.push(nc);
      const page = await new RpcClient(nc, 10_000).call(AuditRpc.sla, {}, { actor: auditor });
      expect(page.items).toEqual([]);
    });

    it('does not start when NATS_TLS_CA_FILE names another CA', async () => {
      await expect(startTestService(bareSla, tlsEnv(foreignCaFile))).rejects.toThrow(/certificate|self[- ]signed|verify/i);
    });
  });
});

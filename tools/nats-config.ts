/**
 * The NATS broker's authorization, rendered from the message declarations of libs/contracts.
 *
 *   npm run nats:config            writes k8s/base/nats/authorization.conf (public keys read from the server's
 *                                  environment, NATS_KEY_<IDENTITY>; outside subscribers from subscribers.json)
 *   node -r @swc-node/register tools/nats-config.ts local DIR [--trust-admin]
 *                                  mints the suite's keys into DIR/credentials (kept when present) and writes
 *                                  DIR/authorization.conf (and DIR/public-keys.json, identity → public key): the
 *                                  private brokers of `npm start` and `npm test`; the services there believe
 *                                  actors signed by the gateway (and by `admin` with --trust-admin: test code)
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureLocalIdentities } from '@itsm/messaging';
import { kubernetesAuthorization, KUBERNETES_AUTHORIZATION_FILE } from './nats-authorization';

function main(argv: string[]): void {
  const [command, dir] = argv;
  if (command === 'local' && dir) {
    const { authorization, publicKeys } = ensureLocalIdentities(join(dir, 'credentials'), { trustAdminActors: argv.includes('--trust-admin') });
    writeFileSync(join(dir, 'authorization.conf'), authorization, { mode: 0o600 });
    writeFileSync(join(dir, 'public-keys.json'), `${JSON.stringify(publicKeys, null, 2)}\n`);
    return;
  }
  if (command === undefined || command === 'kubernetes') {
    writeFileSync(KUBERNETES_AUTHORIZATION_FILE, kubernetesAuthorization());
    process.stdout.write(`wrote ${KUBERNETES_AUTHORIZATION_FILE}\n`);
    return;
  }
  process.stderr.write('usage: nats-config [kubernetes] | local DIR [--trust-admin]\n');
  process.exit(2);
}

main(process.argv.slice(2));

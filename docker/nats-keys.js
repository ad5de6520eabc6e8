'use strict';
// One-off step of docker-compose (service nats-keys, run in the suite's image as root): mints the nkey of every
// identity of the suite where missing (kept on the volume natskeys from one `up` to the next), writes the broker's
// authorization generated from libs/contracts (the same source as `npm start`, the tests and Kubernetes) to
// /nats-auth/broker, and puts each seed alone into /nats-auth/credentials/<identity> (a volume of its own for
// each app), readable by the apps' user (uid 1000) alone. Prints identities, never seeds.
const fs = require('node:fs');
const path = require('node:path');
const { SUITE_IDENTITIES } = require('@itsm/contracts');
const { ACTOR_ISSUERS_FILE, ensureLocalIdentities, seedFileName } = require('@itsm/messaging');

const ROOT = process.argv[2] || '/nats-auth';
const APP_USER = 1000;

const { credentialsDir, authorization } = ensureLocalIdentities(path.join(ROOT, 'keys'));
fs.chmodSync(credentialsDir, 0o700);
const brokerDir = path.join(ROOT, 'broker');
fs.mkdirSync(brokerDir, { recursive: true, mode: 0o755 });
fs.writeFileSync(path.join(brokerDir, 'authorization.conf'), authorization, { mode: 0o644 });
// The apps' identities: each has a volume mounted there. `admin` (for operators) stays in keys/ only.
const apps = SUITE_IDENTITIES.filter((identity) => fs.existsSync(path.join(ROOT, 'credentials', identity)));
for (const identity of apps) {
  const dir = path.join(ROOT, 'credentials', identity);
  const file = path.join(dir, seedFileName(identity));
  fs.copyFileSync(path.join(credentialsDir, seedFileName(identity)), file);
  fs.chownSync(dir, APP_USER, APP_USER);
  fs.chmodSync(dir, 0o500);
  fs.chownSync(file, APP_USER, APP_USER);
  fs.chmodSync(file, 0o400);
  // Beside a service's seed: the gateway's public key, the one issuer whose RPC actors it believes.
  if (identity !== 'gateway') {
    const issuers = path.join(dir, ACTOR_ISSUERS_FILE);
    fs.copyFileSync(path.join(credentialsDir, ACTOR_ISSUERS_FILE), issuers);
    fs.chownSync(issuers, APP_USER, APP_USER);
    fs.chmodSync(issuers, 0o400);
  }
}
process.stdout.write(`NATS identities ready: ${SUITE_IDENTITIES.join(', ')}; seeds handed to ${apps.join(', ')}\n`);

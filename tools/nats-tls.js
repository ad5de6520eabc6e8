'use strict';
/**
 * TLS for the private NATS brokers (`npm start` with ITSM_NATS_TLS=1, the TLS tests, the docker-compose init step):
 * a local CA, a server certificate for 127.0.0.1 and localhost (or the names asked for) and a client certificate
 * for mutual TLS, made with the openssl command line; and the broker configuration that combines a `tls` block
 * with the generated authorization. Node built-ins only, so it works before `npm ci`.
 *
 *   node tools/nats-tls.js DIR [HOST...]   makes (or keeps) the material in DIR and prints the file names
 */
const fs = require('node:fs');
const path = require('node:path');
const crypto = require('node:crypto');
const { spawnSync } = require('node:child_process');

const DEFAULT_HOSTS = ['127.0.0.1', 'localhost'];
const CA_DAYS = 3650;
const LEAF_DAYS = 825;
/** A certificate that expires within this many seconds is made again. */
const RENEW_BEFORE_SECONDS = 30 * 24 * 3600;

function openssl(args, what) {
  const bin = process.env.OPENSSL || (fs.existsSync('/usr/bin/openssl') ? '/usr/bin/openssl' : 'openssl');
  const result = spawnSync(bin, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (result.error) throw new Error(`${what}: cannot run openssl (${result.error.code || result.error.message})`);
  if (result.status !== 0) throw new Error(`${what}: openssl ${args[0]} failed: ${(result.stderr || '').trim().split('\n').slice(-3).join(' ')}`);
  return result.stdout;
}

const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

function protect(file) {
  fs.chmodSync(file, 0o600);
}

/** The files of a CA in `dir`: `<name>.pem` (certificate, shared with clients) and `<name>-key.pem` (never leaves dir). */
function caFiles(dir, name = 'ca') {
  return { caFile: path.join(dir, `${name}.pem`), caKeyFile: path.join(dir, `${name}-key.pem`) };
}

/** Makes a self-signed CA in `dir` unless its certificate and key are there and the certificate is not about to expire. */
function ensureCa(dir, { name = 'ca', commonName = 'ITSM suite local NATS CA' } = {}) {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const files = caFiles(dir, name);
  if (fs.existsSync(files.caKeyFile) && validFor(files.caFile, RENEW_BEFORE_SECONDS)) return files;
  openssl(
    ['req', '-x509', '-new', ...EC_KEY, '-keyout', files.caKeyFile, '-out', files.caFile, '-days', String(CA_DAYS), '-subj', `/CN=${commonName}`,
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'],
    'NATS TLS CA',
  );
  protect(files.caKeyFile);
  return files;
}

/** Whether `file` holds a certificate valid for at least `seconds` more. */
function validFor(file, seconds) {
  if (!fs.existsSync(file)) return false;
  try {
    openssl(['x509', '-in', file, '-noout', '-checkend', String(seconds)], 'certificate expiry');
    return true;
  } catch {
    return false;
  }
}

/** Whether `certFile` was signed by the CA in `caFile`. */
function signedBy(certFile, caFile) {
  try {
    openssl(['verify', '-CAfile', caFile, certFile], 'certificate chain');
    return true;
  } catch {
    return false;
  }
}

/** Whether the certificate names every host in `hosts` (IP addresses and DNS names of its subjectAltName). */
function coversHosts(certFile, hosts) {
  let text;
  try {
    text = openssl(['x509', '-in', certFile, '-noout', '-ext', 'subjectAltName'], 'certificate names');
  } catch {
    return false;
  }
  const names = new Set([...text.matchAll(/(?:DNS|IP Address):([^,\s]+)/g)].map((match) => match[1]));
  return hosts.every((host) => names.has(host));
}

const isIp = (host) => /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.includes(':');

/** Issues `<name>.pem` and `<name>-key.pem` in `dir`, signed by the CA, for server or client use. */
function issue(dir, ca, { name, commonName, usage, hosts = [] }) {
  const certFile = path.join(dir, `${name}.pem`);
  const keyFile = path.join(dir, `${name}-key.pem`);
  const fresh =
    fs.existsSync(keyFile) && validFor(certFile, RENEW_BEFORE_SECONDS) && signedBy(certFile, ca.caFile) && (hosts.length === 0 || coversHosts(certFile, hosts));
  if (fresh) return { certFile, keyFile };
  const csrFile = path.join(dir, `${name}.csr`);
  const extFile = path.join(dir, `${name}.ext`);
  const extensions = ['basicConstraints=critical,CA:FALSE', 'keyUsage=critical,digitalSignature,keyEncipherment', `extendedKeyUsage=${usage}`];
  if (hosts.length > 0) extensions.push(`subjectAltName=${hosts.map((host) => (isIp(host) ? `IP:${host}` : `DNS:${host}`)).join(',')}`);
  fs.writeFileSync(extFile, `${extensions.join('\n')}\n`);
  try {
    openssl(['req', '-new', ...EC_KEY, '-keyout', keyFile, '-out', csrFile, '-subj', `/CN=${commonName}`], `NATS TLS ${name} key`);
    protect(keyFile);
    openssl(
      ['x509', '-req', '-in', csrFile, '-CA', ca.caFile, '-CAkey', ca.caKeyFile, '-set_serial', `0x${crypto.randomBytes(16).toString('hex')}`, '-days', String(LEAF_DAYS), '-sha256', '-extfile', extFile, '-out', certFile],
      `NATS TLS ${name} certificate`,
    );
  } finally {
    fs.rmSync(csrFile, { force: true });
    fs.rmSync(extFile, { force: true });
  }
  return { certFile, keyFile };
}

/**
 * The TLS material of a private broker in `dir` (mode 0700, keys 0600), kept from one call to the next while it is
 * valid: CA (`ca.pem`, `ca-key.pem`), server certificate for `hosts` (`server.pem`, `server-key.pem`) and a client
 * certificate for mutual TLS (`client.pem`, `client-key.pem`). A renewed CA renews the certificates it signed.
 */
function ensureTlsMaterial(dir, { hosts = DEFAULT_HOSTS } = {}) {
  const ca = ensureCa(dir);
  const server = issue(dir, ca, { name: 'server', commonName: hosts[0] || 'nats', usage: 'serverAuth', hosts });
  const client = issue(dir, ca, { name: 'client', commonName: 'itsm-suite client', usage: 'clientAuth' });
  return {
    dir,
    caFile: ca.caFile,
    caKeyFile: ca.caKeyFile,
    certFile: server.certFile,
    keyFile: server.keyFile,
    clientCertFile: client.certFile,
    clientKeyFile: client.keyFile,
  };
}

function quoted(value) {
  if (/["\\\n]/.test(value)) throw new Error(`${JSON.stringify(value)} cannot be written to the NATS server configuration`);
  return `"${value}"`;
}

/**
 * The `tls { ... }` block of the NATS server configuration: the server's certificate and key, the CA that client
 * certificates must chain to, and `verify: true` when every client must present one (mutual TLS).
 */
function tlsBlock({ certFile, keyFile, caFile, verify = false, timeoutSeconds = 2 }) {
  const lines = ['tls {', `  cert_file: ${quoted(certFile)}`, `  key_file: ${quoted(keyFile)}`];
  if (caFile) lines.push(`  ca_file: ${quoted(caFile)}`);
  if (verify) lines.push('  verify: true');
  lines.push(`  timeout: ${timeoutSeconds}`, '}');
  return `${lines.join('\n')}\n`;
}

/**
 * Configuration of a private broker: the generated authorization, included from `authorizationFile` (as
 * tools/nats-config.ts writes it), and, when `tls` is given, the `tls` block. nats-server reads an include relative
 * to the including file (an absolute path too), so it is written relative to `configFile`. Port, address and
 * JetStream come from the command line (tools/infra.js startNats).
 */
function brokerConfig({ configFile, authorizationFile, tls }) {
  let text = '# Written by tools/nats-tls.js: the generated authorization, and TLS when asked for.\n';
  if (authorizationFile) text += `include ${quoted(path.relative(path.dirname(path.resolve(configFile)), path.resolve(authorizationFile)))}\n`;
  if (tls) text += tlsBlock(tls);
  return text;
}

/** Writes brokerConfig(...) to `file` (mode 0600) and returns its path. */
function writeBrokerConfig(file, options) {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  fs.writeFileSync(file, brokerConfig({ ...options, configFile: file }), { mode: 0o600 });
  return file;
}

module.exports = { DEFAULT_HOSTS, ensureCa, ensureTlsMaterial, tlsBlock, brokerConfig, writeBrokerConfig };

if (require.main === module) {
  const [dir, ...hosts] = process.argv.slice(2);
  if (!dir) {
    process.stderr.write('usage: node tools/nats-tls.js DIR [HOST...]\n');
    process.exit(2);
  }
  const material = ensureTlsMaterial(path.resolve(dir), { hosts: hosts.length > 0 ? hosts : DEFAULT_HOSTS });
  for (const [key, value] of Object.entries(material)) process.stdout.write(`${key}=${value}\n`);
}

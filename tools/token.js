'use strict';
/**
 * `npm run token -- --role agent --sub alice [--name "Alice Smith"] [--groups network,desk] [--ttl 8h]`
 * prints a development token (HS256) signed with JWT_SECRET, or with the secret `npm start` keeps in
 * .data/jwt-secret (with iss/aud from JWT_ISSUER/JWT_AUDIENCE when set). --role and --groups may repeat or
 * take comma-separated values.
 */
const { parseArgs } = require('node:util');
const { ensureJwtSecret } = require('./infra');

const ROLES = ['requester', 'agent', 'manager', 'cab', 'admin', 'auditor'];
const USAGE =
  'usage: npm run token -- --role <role>[,<role>...] --sub <user id> [--name "Full Name"] [--groups g1,g2] [--ttl 8h]\n' +
  `roles: ${ROLES.join(', ')}; --ttl takes seconds or a span such as 30m, 8h, 7d`;

function fail(message) {
  console.error(message);
  process.exit(1);
}

const list = (values) => [...new Set((values || []).flatMap((value) => value.split(',')).map((value) => value.trim()).filter(Boolean))];

function parse(argv) {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        role: { type: 'string', multiple: true, short: 'r' },
        sub: { type: 'string', short: 's' },
        name: { type: 'string', short: 'n' },
        groups: { type: 'string', multiple: true, short: 'g' },
        group: { type: 'string', multiple: true },
        ttl: { type: 'string', short: 't', default: '8h' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    fail(`${error.message}\n${USAGE}`);
  }
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const roles = list(values.role);
  if (roles.length === 0) fail(`give at least one --role\n${USAGE}`);
  const unknown = roles.filter((role) => !ROLES.includes(role));
  if (unknown.length > 0) fail(`unknown role${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}: the roles are ${ROLES.join(', ')}`);
  const sub = (values.sub || '').trim();
  if (!sub) fail(`give the user id with --sub\n${USAGE}`);
  const ttl = values.ttl.trim();
  if (!/^\d+$/.test(ttl) && !/^\d+(\.\d+)?\s*(ms|s|m|h|d|w|y)$/i.test(ttl)) fail(`--ttl must be seconds or a span such as 30m, 8h, 7d (got "${values.ttl}")`);
  return {
    claims: { sub, name: (values.name || sub).trim(), roles, groups: list([...(values.groups || []), ...(values.group || [])]) },
    expiresIn: /^\d+$/.test(ttl) ? Number(ttl) : ttl,
  };
}

function main() {
  const { claims, expiresIn } = parse(process.argv.slice(2));
  let secret;
  try {
    ({ secret } = ensureJwtSecret());
  } catch (error) {
    fail(error.message);
  }
  const jwt = require('jsonwebtoken');
  const { sub, ...rest } = claims;
  // The gateway checks iss and aud when JWT_ISSUER / JWT_AUDIENCE are set: sign for the same values.
  const options = { algorithm: 'HS256', subject: sub, expiresIn };
  if (process.env.JWT_ISSUER) options.issuer = process.env.JWT_ISSUER;
  if (process.env.JWT_AUDIENCE) options.audience = process.env.JWT_AUDIENCE;
  process.stdout.write(`${jwt.sign(rest, secret, options)}\n`);
}

main();

#!/usr/bin/env node
'use strict';
/**
 * Entry point of the container image: runs the app that APP names. `run-app.js migrate` applies that service's
 * database migrations and exits (an init container or release step runs it before the new version starts).
 */
const fs = require('node:fs');
const path = require('node:path');
const { APP_NAMES } = require('./apps');

const ROOT = path.join(__dirname, '..');
const app = process.env.APP;
const args = process.argv.slice(2);

function fail(message) {
  process.stderr.write(`${message}\n`);
  process.exit(64);
}

if (!APP_NAMES.includes(app)) fail(`APP must be one of: ${APP_NAMES.join(', ')} (got ${JSON.stringify(app ?? '')})`);
if (args.length > 1 || (args.length === 1 && args[0] !== 'migrate')) fail(`usage: run-app.js [migrate] (got ${JSON.stringify(args.join(' '))})`);
if (app === 'gateway' && args[0] === 'migrate') {
  process.stdout.write('gateway has no database: nothing to migrate\n');
  process.exit(0);
}
const main = path.join(ROOT, 'apps', app, 'dist', 'main.js');
if (!fs.existsSync(main)) fail(`${main} is missing: this image or checkout was built without ${app}`);
require(main);

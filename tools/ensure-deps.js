'use strict';
/**
 * First step of `npm start`, `npm test` and `npm run token`: installs the dependencies with `npm ci` when
 * node_modules is missing or older than package-lock.json. Node built-ins only: it runs before any install.
 */
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const root = path.resolve(__dirname, '..');

function mtimeMs(file) {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
}

/** Why an install is needed, or undefined when node_modules matches package-lock.json. */
function reasonToInstall() {
  if (!fs.existsSync(path.join(root, 'node_modules'))) return 'node_modules is missing';
  const installed = mtimeMs(path.join(root, 'node_modules', '.package-lock.json'));
  if (installed === undefined) return 'node_modules/.package-lock.json is missing';
  const lock = mtimeMs(path.join(root, 'package-lock.json'));
  if (lock !== undefined && installed < lock) return 'package-lock.json is newer than node_modules';
  return undefined;
}

function main() {
  const reason = reasonToInstall();
  if (!reason) return;
  console.log(`Installing dependencies (${reason}): npm ci`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, ['ci'], { cwd: root, stdio: 'inherit' });
  if (result.error) {
    console.error(`Could not run npm ci: ${result.error.message}`);
    process.exit(1);
  }
  if (result.status !== 0) process.exit(result.status ?? 1);
}

main();

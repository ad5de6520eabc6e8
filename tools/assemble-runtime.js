#!/usr/bin/env node
'use strict';
/**
 * Lays out what the container image runs, from a built checkout (`nx run-many -t build` first):
 *   node tools/assemble-runtime.js <out-dir>
 * The manifests (package.json, package-lock.json, each lib's package.json), every project's dist, the entry point
 * and health check, then `npm ci --omit=dev` there: production dependencies only, node_modules kept external (no
 * bundling, which keeps instrumentation and native modules working). The Dockerfile runs this; so does a test,
 * which starts every app from the result, so a runtime import of a dev dependency fails CI and not a deployment.
 * `--no-install` skips the npm step.
 */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.join(__dirname, '..');
const ENTRY_FILES = ['tools/apps.js', 'tools/run-app.js', 'tools/healthcheck.js'];

function copy(relative, out) {
  const target = path.join(out, relative);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.cpSync(path.join(ROOT, relative), target, { recursive: true, preserveTimestamps: true });
}

function projects(kind) {
  return fs
    .readdirSync(path.join(ROOT, kind), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => `${kind}/${entry.name}`);
}

function assemble(out, { install = true } = {}) {
  fs.mkdirSync(out, { recursive: true });
  for (const file of ['package.json', 'package-lock.json', '.npmrc', ...ENTRY_FILES]) {
    if (fs.existsSync(path.join(ROOT, file))) copy(file, out);
  }
  for (const project of [...projects('libs'), ...projects('apps')]) {
    if (fs.existsSync(path.join(ROOT, project, 'package.json'))) copy(`${project}/package.json`, out);
    if (fs.existsSync(path.join(ROOT, project, 'dist'))) copy(`${project}/dist`, out);
    else if (project.startsWith('apps/')) throw new Error(`${project}/dist is missing: build first (npx nx run-many -t build)`);
  }
  if (!install) return;
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=warn'], {
    cwd: out,
    stdio: 'inherit',
    env: { ...process.env, NODE_ENV: 'production' },
  });
  if (result.status !== 0) throw new Error(`npm ci --omit=dev failed in ${out} (exit ${result.status})`);
}

if (require.main === module) {
  const [out, ...flags] = process.argv.slice(2);
  if (!out) {
    process.stderr.write('usage: node tools/assemble-runtime.js <out-dir> [--no-install]\n');
    process.exit(64);
  }
  try {
    assemble(path.resolve(out), { install: !flags.includes('--no-install') });
  } catch (error) {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}

module.exports = { assemble };

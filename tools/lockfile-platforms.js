'use strict';
/**
 * Completes package-lock.json with the platform-specific optional packages (native bindings of swc, nx, …)
 * that the registry this lockfile was made against does not serve. Without their entries `npm ci` refuses the
 * lockfile ("Missing: @swc/core-darwin-arm64 from lock file"); with them, npm skips them on other platforms and
 * fetches them on their own. Run it after `npm install` changes the lockfile: `node tools/lockfile-platforms.js`.
 */
const fs = require('node:fs');
const path = require('node:path');

const OSES = ['darwin', 'linux', 'win32', 'android', 'freebsd', 'openbsd', 'netbsd', 'sunos', 'aix', 'openharmony'];
const CPUS = ['arm64', 'x64', 'arm', 'ia32', 'ppc64', 'ppc64le', 's390x', 'loong64', 'riscv64', 'wasm32'];

/** `@swc/core-linux-arm-gnueabihf` → { os: linux, cpu: arm, libc: glibc } */
function platformOf(name) {
  const parts = name.split('/').pop().split('-');
  const osIndex = parts.findIndex((part) => OSES.includes(part));
  if (osIndex < 0) return undefined;
  const cpu = parts.slice(osIndex + 1).find((part) => CPUS.includes(part));
  if (!cpu) return undefined;
  const rest = parts.slice(osIndex + 1).join('-');
  const libc = /musl/.test(rest) ? 'musl' : /gnu/.test(rest) ? 'glibc' : undefined;
  return { os: parts[osIndex], cpu, libc };
}

/** Entries the lockfile lacks: optional platform packages named by a package but absent from `packages`. */
function missingPlatformEntries(lock) {
  const packages = lock.packages;
  const missing = new Map();
  for (const [location, entry] of Object.entries(packages)) {
    for (const [name, version] of Object.entries(entry.optionalDependencies || {})) {
      const base = location === '' ? '' : `${location}/`;
      if (packages[`${base}node_modules/${name}`] || packages[`node_modules/${name}`]) continue;
      const platform = platformOf(name);
      if (!platform || !/^\d+\.\d+\.\d+/.test(version)) continue;
      missing.set(`node_modules/${name}`, {
        version,
        cpu: [platform.cpu],
        ...(entry.dev ? { dev: true } : {}),
        ...(platform.libc ? { libc: [platform.libc] } : {}),
        optional: true,
        os: [platform.os],
      });
    }
  }
  return missing;
}

function complete(lockPath) {
  const lock = JSON.parse(fs.readFileSync(lockPath, 'utf8'));
  const missing = missingPlatformEntries(lock);
  Object.assign(lock.packages, Object.fromEntries(missing));
  fs.writeFileSync(lockPath, `${JSON.stringify(lock, null, 2)}\n`);
  return [...missing.entries()].map(([key, entry]) => `${key.slice('node_modules/'.length)}@${entry.version}`);
}

if (require.main === module) {
  const added = complete(path.join(__dirname, '..', 'package-lock.json'));
  console.log(added.length ? `Added ${added.length} platform packages:\n  ${added.join('\n  ')}` : 'Lockfile already complete.');
}

module.exports = { complete, missingPlatformEntries, platformOf };

import { readFileSync } from 'node:fs';
import { join } from 'node:path';

// A plain CommonJS tool (it must run before dependencies are installed).
const tool = require('./lockfile-platforms') as {
  missingPlatformEntries(lock: unknown): Map<string, unknown>;
  platformOf(name: string): { os: string; cpu: string; libc?: string } | undefined;
};

describe('package-lock.json', () => {
  it('lists every platform binding its packages name, so `npm ci` accepts it on any platform', () => {
    const lock: unknown = JSON.parse(readFileSync(join(__dirname, '..', 'package-lock.json'), 'utf8'));
    expect([...tool.missingPlatformEntries(lock).keys()]).toEqual([]);
  });

  it('reads the platform from a binding package name', () => {
    expect(tool.platformOf('@swc/core-linux-arm-gnueabihf')).toEqual({ os: 'linux', cpu: 'arm', libc: 'glibc' });
    expect(tool.platformOf('@unrs/resolver-binding-linux-riscv64-musl')).toEqual({ os: 'linux', cpu: 'riscv64', libc: 'musl' });
    expect(tool.platformOf('@swc/core-win32-ia32-msvc')).toEqual({ os: 'win32', cpu: 'ia32', libc: undefined });
    expect(tool.platformOf('@install-binary/kustomize-linux-ppc64le')).toEqual({ os: 'linux', cpu: 'ppc64le', libc: undefined });
    expect(tool.platformOf('@swc/core')).toBeUndefined();
  });
});

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');

describe('@itsm/contracts as a package', () => {
  it('gives ESM subscribers its named exports from the build', () => {
    const script = [
      "import 'reflect-metadata';",
      "import { IncidentEvents, EVENTS_STREAM, domainEvents, validatePayload } from '@itsm/contracts';",
      'console.log(JSON.stringify([IncidentEvents.created.subject, EVENTS_STREAM, domainEvents("incident"), typeof validatePayload]));',
    ].join('\n');
    const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' });
    expect(JSON.parse(output)).toEqual(['itsm.events.incident.created.v1', 'ITSM_EVENTS', 'itsm.events.incident.>', 'function']);
  });

  it('points main and types at built files that exist', () => {
    const manifest = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { main: string; types: string };
    for (const file of [manifest.main, manifest.types]) {
      expect(() => readFileSync(join(__dirname, '..', file))).not.toThrow();
    }
  });
});

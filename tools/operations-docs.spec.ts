import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { getMetadataStorage } from 'class-validator';
import { ChangeConfig } from '../apps/change/src/config';
import { CmdbConfig } from '../apps/cmdb/src/config';
import { GatewayConfig } from '../apps/gateway/src/config';
import { IncidentConfig } from '../apps/incident/src/config';
import { KnowledgeConfig } from '../apps/knowledge/src/config';
import { NotificationConfig } from '../apps/notification/src/config';
import { ProblemConfig } from '../apps/problem/src/config';
import { SlaConfig } from '../apps/sla/src/config';

const ROOT = join(__dirname, '..');
const operations = readFileSync(join(ROOT, 'docs', 'operations.md'), 'utf8');

/** Every variable a config class reads: its validated properties and those with a default. */
function variablesOf(config: new () => object): string[] {
  const validated = getMetadataStorage()
    .getTargetValidationMetadatas(config, '', true, false)
    .map((metadata) => metadata.propertyName);
  return [...new Set([...validated, ...Object.keys(new config())])];
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' || name === 'dist' ? [] : sourceFiles(path);
    return path.endsWith('.ts') && !path.endsWith('.spec.ts') ? [path] : [];
  });
}

describe('docs/operations.md', () => {
  const configs = { GatewayConfig, IncidentConfig, ProblemConfig, ChangeConfig, CmdbConfig, SlaConfig, KnowledgeConfig, NotificationConfig };

  it.each(Object.entries(configs))('names every setting %s reads in the configuration reference', (_name, config) => {
    const variables = variablesOf(config);
    expect(variables.length).toBeGreaterThan(5);
    expect(variables.filter((variable) => !operations.includes(`\`${variable}\``))).toEqual([]);
  });

  it('describes every metric the suite exports', () => {
    const sources = ['apps', 'libs'].flatMap((kind) => readdirSync(join(ROOT, kind)).map((project) => join(ROOT, kind, project, 'src')));
    const metrics = new Set(sources.flatMap((dir) => sourceFiles(dir)).flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/'(itsm_[a-z_]+)'/g)].map((match) => match[1] as string)));
    expect(metrics.size).toBeGreaterThan(10);
    expect([...metrics].filter((metric) => !operations.includes(`\`${metric}`))).toEqual([]);
  });
});

import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ChangeConfig } from '../apps/change/src/config';
import { CmdbConfig } from '../apps/cmdb/src/config';
import { GatewayConfig } from '../apps/gateway/src/config';
import { IncidentConfig } from '../apps/incident/src/config';
import { KnowledgeConfig } from '../apps/knowledge/src/config';
import { NotificationConfig } from '../apps/notification/src/config';
import { ProblemConfig } from '../apps/problem/src/config';
import { SlaConfig } from '../apps/sla/src/config';

// Plain CommonJS (the container runs it without a build step).
const { APPS, healthPortOf } = require('./apps') as {
  APPS: Record<string, { portVariable: string; defaultPort: number }>;
  healthPortOf(app: string, env: Record<string, string | undefined>): number;
};

describe('the list of apps the container and `npm start` run', () => {
  it('names every app of the repository', () => {
    const apps = readdirSync(join(__dirname, '..', 'apps')).filter((name) => existsSync(join(__dirname, '..', 'apps', name, 'project.json')));
    expect(Object.keys(APPS).sort()).toEqual(apps.sort());
  });

  it.each([
    ['gateway', new GatewayConfig().PORT],
    ['incident', new IncidentConfig().HEALTH_PORT],
    ['problem', new ProblemConfig().HEALTH_PORT],
    ['change', new ChangeConfig().HEALTH_PORT],
    ['cmdb', new CmdbConfig().HEALTH_PORT],
    ['sla', new SlaConfig().HEALTH_PORT],
    ['knowledge', new KnowledgeConfig().HEALTH_PORT],
    ['notification', new NotificationConfig().HEALTH_PORT],
  ])('has the default health port of %s that its config declares', (app, port) => {
    expect(APPS[app]?.defaultPort).toBe(port);
  });

  it('takes the health port from the environment when set', () => {
    expect(healthPortOf('sla', { HEALTH_PORT: '9105' })).toBe(9105);
    expect(healthPortOf('gateway', { PORT: '8080', HEALTH_PORT: '9999' })).toBe(8080);
    expect(healthPortOf('incident', { HEALTH_PORT: '' })).toBe(3101);
  });
});

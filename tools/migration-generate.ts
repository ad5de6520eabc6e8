/**
 * `npm run migration:generate -- <service> <camelName>`: writes apps/<service>/src/migrations/<timestamp>-<camelName>.ts
 * with the SQL that brings a database migrated to the current migrations up to the current entities.
 * Uses a throw-away database on the server of DATABASE_URL (default: the local PostgreSQL).
 */
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import type { ServiceDefinition } from '@itsm/runtime';
import { createDataSource, runMigrations } from '@itsm/persistence';

async function main(): Promise<void> {
  const [service, name] = process.argv.slice(2);
  if (!service || !name || !/^[a-z][A-Za-z0-9]*$/.test(name)) {
    throw new Error('usage: npm run migration:generate -- <service> <camelCaseName>');
  }
  const definitionModule = (await import(join(__dirname, '..', 'apps', service, 'src', 'service-definition'))) as Record<string, ServiceDefinition>;
  const definition = Object.values(definitionModule).find((value) => value && typeof value === 'object' && 'migrations' in value);
  if (!definition) throw new Error(`apps/${service}/src/service-definition.ts exports no service definition`);
  const baseUrl = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const scratch = `itsm_migration_${Date.now()}`;
  const admin = new Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${scratch}`);
  try {
    const url = new URL(baseUrl);
    url.pathname = `/${scratch}`;
    const dataSource = createDataSource({
      url: url.toString(),
      schema: definition.name,
      applicationName: 'migration-generate',
      entities: definition.entities,
      migrations: definition.migrations,
    });
    await dataSource.initialize();
    await runMigrations(dataSource, definition.name);
    const sql = await dataSource.driver.createSchemaBuilder().log();
    await dataSource.destroy();
    if (sql.upQueries.length === 0) {
      process.stdout.write('Entities and migrations agree: nothing to generate.\n');
      return;
    }
    const timestamp = Date.now();
    const className = `${name.charAt(0).toUpperCase()}${name.slice(1)}${timestamp}`;
    const quote = (query: string): string => `\`${query.replace(/`/g, '\\`').replace(/\$\{/g, '\\${')}\``;
    const lines = (queries: Array<{ query: string; parameters?: unknown[] }>): string =>
      queries.map((q) => `    await runner.query(${quote(q.query.trim().replace(/  +/g, " "))}${q.parameters?.length ? `, ${JSON.stringify(q.parameters)}` : ''});`).join('\n');
    const file = join(__dirname, '..', 'apps', service, 'src', 'migrations', `${timestamp}-${name}.ts`);
    writeFileSync(
      file,
      `import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ${className} implements MigrationInterface {
  name = '${className}';

  async up(runner: QueryRunner): Promise<void> {
${lines(sql.upQueries)}
  }

  async down(runner: QueryRunner): Promise<void> {
${lines([...sql.downQueries].reverse())}
  }
}
`,
    );
    process.stdout.write(`Wrote ${file}\nAdd ${className} to the migrations of apps/${service}/src/service-definition.ts.\n`);
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${scratch} WITH (FORCE)`);
    await admin.end();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

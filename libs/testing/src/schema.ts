import { createDataSource, type DataSourceConfig, runMigrations, schemaDrift } from '@itsm/persistence';
import { createTestDatabase } from './environment';
import { SERVICE_NAMES } from './infra';

/**
 * Runs a service's migrations on an empty database (as the service's role, as in production) and checks that they produce exactly what its entities
 * describe; then reverts every migration and checks that nothing is left behind.
 */
export async function checkMigrations(definition: { name: string; entities: DataSourceConfig['entities']; migrations: DataSourceConfig['migrations'] }): Promise<{ drift: string[]; leftAfterRevert: string[]; applied: string[] }> {
  const database = await createTestDatabase();
  const dataSource = createDataSource({
    url: SERVICE_NAMES.includes(definition.name) ? database.serviceUrl(definition.name) : database.url,
    schema: definition.name,
    applicationName: 'migration-check',
    entities: definition.entities,
    migrations: definition.migrations,
  });
  try {
    await dataSource.initialize();
    const applied = await runMigrations(dataSource, definition.name);
    const drift = await schemaDrift(dataSource);
    for (let i = 0; i < applied.length; i += 1) await dataSource.undoLastMigration({ transaction: 'each' });
    const left = await database.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND c.relkind IN ('r', 'S', 'v', 'm') AND c.relname NOT IN ('migrations', 'migrations_id_seq') ORDER BY 1`,
      [definition.name],
    );
    return { drift, leftAfterRevert: left.map((row) => row.name), applied };
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
    await database.drop();
  }
}

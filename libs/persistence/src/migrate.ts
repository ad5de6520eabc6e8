import type { DataSource, QueryRunner } from 'typeorm';

function quoteIdent(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`invalid SQL identifier: ${name}`);
  return `"${name}"`;
}

/**
 * Creates the schema if it is missing and applies pending migrations under an advisory lock, so that replicas
 * starting together migrate once. A service's own role may not create schemas: its schema is made when the
 * database is provisioned (provisioning.ts), and a missing one is reported as such.
 */
export async function runMigrations(dataSource: DataSource, schema: string): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock(hashtext($1))', [`itsm:migrations:${schema}`]);
    try {
      await ensureSchema(runner, schema);
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      return applied.map((migration) => migration.name);
    } finally {
      await runner.query('SELECT pg_advisory_unlock(hashtext($1))', [`itsm:migrations:${schema}`]);
    }
  } finally {
    await runner.release();
  }
}

async function ensureSchema(runner: QueryRunner, schema: string): Promise<void> {
  const [found] = (await runner.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema])) as unknown[];
  if (found) return;
  const [rights] = (await runner.query("SELECT current_user AS role, has_database_privilege(current_database(), 'CREATE') AS may_create")) as Array<{ role: string; may_create: boolean }>;
  if (!rights?.may_create) {
    throw new Error(`schema "${schema}" does not exist and role "${rights?.role ?? 'unknown'}" may not create it: provision the database first (it makes the schema, owned by the service's role)`);
  }
  await runner.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
}

/** True when a migration of this build has not been applied to the database yet. */
export async function hasPendingMigrations(dataSource: DataSource): Promise<boolean> {
  return dataSource.showMigrations();
}

/**
 * The SQL TypeORM would run to make the database match the entities. Empty when entities and migrations
 * agree; anything else is drift, which a test turns into a failure.
 */
export async function schemaDrift(dataSource: DataSource): Promise<string[]> {
  const sql = await dataSource.driver.createSchemaBuilder().log();
  return sql.upQueries.map((query) => query.query);
}

export { quoteIdent };

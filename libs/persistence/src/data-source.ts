import { DataSource, type DataSourceOptions, type EntitySchema, type MixedList } from 'typeorm';
import { CORE_ENTITIES } from './entities';

export interface DataSourceConfig {
  /** `postgres://user:pass@host:port/db` */
  url: string;
  /** The schema this service owns, e.g. `incident`. */
  schema: string;
  /** Shown in `pg_stat_activity`. */
  applicationName: string;
  // TypeORM's own types for entity and migration lists.
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: MixedList<Function | string | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: MixedList<Function | string>;
  poolSize?: number;
  /** How long a query waits for a free connection before it fails (the service answers 503). */
  poolTimeoutMs?: number;
}

/** TypeORM options for one service: its own schema, migrations only (never `synchronize`). */
export function dataSourceOptions(config: DataSourceConfig): DataSourceOptions {
  const entities = Array.isArray(config.entities) ? config.entities : Object.values(config.entities);
  return {
    type: 'postgres',
    url: config.url,
    schema: config.schema,
    applicationName: config.applicationName,
    entities: [...CORE_ENTITIES, ...entities],
    migrations: config.migrations,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    migrationsRun: false,
    logging: false,
    extra: { max: config.poolSize ?? 10, connectionTimeoutMillis: config.poolTimeoutMs ?? 10_000 },
  };
}

export function createDataSource(config: DataSourceConfig): DataSource {
  return new DataSource(dataSourceOptions(config));
}

/** Each service's own database role, on the real server: what it owns, what it may not touch, and provisioning it again. */
import { Client } from 'pg';
import { coreTablesMigration, createDataSource, provisionDatabase, runMigrations, scramVerifier, serviceRoleName } from '@itsm/persistence';
import { createTestDatabase, SERVICE_NAMES, type TestDatabase } from '@itsm/testing';

/** Runs `work` on one connection as `url`'s user and closes it. */
async function as<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url, application_name: 'service-roles-test' });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** The SQLSTATE a statement fails with (undefined when it succeeds). */
const sqlState = (statement: Promise<unknown>): Promise<string | undefined> =>
  statement.then(
    () => undefined,
    (error: { code?: string }) => error.code,
  );

async function migrateAs(database: TestDatabase, service: string, schema = service): Promise<string[]> {
  const dataSource = createDataSource({ url: database.serviceUrl(service), schema, applicationName: `${service}-roles-test`, entities: [], migrations: [coreTablesMigration(schema)] });
  await dataSource.initialize();
  try {
    return await runMigrations(dataSource, schema);
  } finally {
    await dataSource.destroy();
  }
}

const ownersIn = (database: TestDatabase, schema: string): Promise<Array<{ name: string; owner: string }>> =>
  database.query(
    `SELECT c.relname AS name, c.relowner::regrole::text AS owner FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relkind IN ('r', 'S', 'v', 'm') ORDER BY 1`,
    [schema],
  );

describe('service database roles', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
    await migrateAs(database, 'incident');
    await migrateAs(database, 'sla');
  });

  afterAll(async () => {
    await database.drop();
  });

  it('gives every service a login role that is neither superuser nor able to create databases or roles', async () => {
    const roles = await database.query<{ rolname: string; rolsuper: boolean; rolcreatedb: boolean; rolcreaterole: boolean; rolcanlogin: boolean; rolbypassrls: boolean }>(
      'SELECT rolname, rolsuper, rolcreatedb, rolcreaterole, rolcanlogin, rolbypassrls FROM pg_roles WHERE rolname = ANY($1) ORDER BY rolname',
      [SERVICE_NAMES.map(serviceRoleName)],
    );
    expect(roles).toEqual(
      [...SERVICE_NAMES]
        .map(serviceRoleName)
        .sort()
        .map((rolname) => ({ rolname, rolsuper: false, rolcreatedb: false, rolcreaterole: false, rolcanlogin: true, rolbypassrls: false })),
    );
  });

  it('makes each schema owned by its service role, and the migrations run as that role own every table', async () => {
    const schemas = await database.query<{ nspname: string; owner: string }>('SELECT nspname, nspowner::regrole::text AS owner FROM pg_namespace WHERE nspname = ANY($1) ORDER BY 1', [[...SERVICE_NAMES]]);
    expect(schemas).toEqual([...SERVICE_NAMES].sort().map((nspname) => ({ nspname, owner: serviceRoleName(nspname) })));
    const incidentTables = await ownersIn(database, 'incident');
    expect(incidentTables.map((table) => table.name)).toEqual(expect.arrayContaining(['migrations', 'outbox', 'audit_log']));
    expect(new Set(incidentTables.map((table) => table.owner))).toEqual(new Set(['itsm_incident']));
    expect(new Set((await ownersIn(database, 'sla')).map((table) => table.owner))).toEqual(new Set(['itsm_sla']));
  });

  it("refuses the incident role any read, write or new object in the sla schema (42501 permission denied)", async () => {
    await as(database.serviceUrl('incident'), async (client) => {
      await expect(sqlState(client.query('SELECT count(*) FROM sla.outbox'))).resolves.toBe('42501');
      await expect(sqlState(client.query('SELECT count(*) FROM sla.migrations'))).resolves.toBe('42501');
      await expect(sqlState(client.query("INSERT INTO sla.migrations (timestamp, name) VALUES (1, 'x')"))).resolves.toBe('42501');
      await expect(sqlState(client.query('CREATE TABLE sla.intruder (id int)'))).resolves.toBe('42501');
      await expect(sqlState(client.query('CREATE SCHEMA intruder'))).resolves.toBe('42501');
      await expect(sqlState(client.query('CREATE TABLE public.intruder (id int)'))).resolves.toBe('42501');
      await expect(sqlState(client.query('ALTER ROLE itsm_sla PASSWORD NULL'))).resolves.toBe('42501');
      // Its own schema is its to use.
      await expect(client.query('SELECT count(*)::int AS n FROM incident.outbox')).resolves.toMatchObject({ rows: [{ n: 0 }] });
    });
  });

  it('lets only the service roles (and the administrator) connect to the database', async () => {
    const [acl] = await database.query<{ acl: string[] }>('SELECT datacl::text[] AS acl FROM pg_database WHERE datname = current_database()');
    expect(acl?.acl.filter((entry) => entry.startsWith('=') && entry.split('/')[0]?.includes('c'))).toEqual([]);
    const [rights] = await database.query<{ incident: boolean; nobody: boolean }>(
      "SELECT has_database_privilege('itsm_incident', current_database(), 'CONNECT') AS incident, has_database_privilege('pg_monitor', current_database(), 'CONNECT') AS nobody",
    );
    expect(rights).toEqual({ incident: true, nobody: false });
  });

  it('creates pg_trgm in the knowledge schema, owned by the knowledge role', async () => {
    await expect(database.query("SELECT e.extnamespace::regnamespace::text AS schema, e.extowner::regrole::text AS owner FROM pg_extension e WHERE extname = 'pg_trgm'")).resolves.toEqual([
      { schema: 'knowledge', owner: 'itsm_knowledge' },
    ]);
  });

  it('changes nothing when provisioned again, several times at once', async () => {
    const before = await ownersIn(database, 'incident');
    await Promise.all([0, 1, 2].map(() => provisionDatabase(database.url, SERVICE_NAMES)));
    await provisionDatabase(database.url, SERVICE_NAMES);
    await expect(ownersIn(database, 'incident')).resolves.toEqual(before);
    await expect(database.query<{ n: number }>('SELECT count(*)::int AS n FROM incident.migrations')).resolves.toEqual([{ n: 1 }]);
  });

  it('provisions fresh databases at the same time (roles are shared by the whole server)', async () => {
    const databases = await Promise.all([0, 1, 2].map(() => createTestDatabase()));
    try {
      for (const fresh of databases) {
        await expect(fresh.query("SELECT nspowner::regrole::text AS owner FROM pg_namespace WHERE nspname = 'cmdb'")).resolves.toEqual([{ owner: 'itsm_cmdb' }]);
      }
    } finally {
      await Promise.all(databases.map((fresh) => fresh.drop()));
    }
  });

  it('hands a schema made earlier by the administrator over to the role, with its tables, sequences and functions', async () => {
    await database.query('CREATE SCHEMA handover');
    await database.query('CREATE TABLE handover.item (id serial PRIMARY KEY, name text)');
    await database.query('CREATE SEQUENCE handover.numbers');
    await database.query('CREATE VIEW handover.names AS SELECT name FROM handover.item');
    await database.query("CREATE FUNCTION handover.touch() RETURNS int LANGUAGE sql AS 'SELECT 1'");
    await provisionDatabase(database.url, ['handover']);
    await expect(ownersIn(database, 'handover')).resolves.toEqual([
      { name: 'item', owner: 'itsm_handover' },
      { name: 'item_id_seq', owner: 'itsm_handover' },
      { name: 'names', owner: 'itsm_handover' },
      { name: 'numbers', owner: 'itsm_handover' },
    ]);
    await expect(database.query("SELECT proowner::regrole::text AS owner FROM pg_proc WHERE proname = 'touch'")).resolves.toEqual([{ owner: 'itsm_handover' }]);
    await expect(database.query("SELECT nspowner::regrole::text AS owner FROM pg_namespace WHERE nspname = 'handover'")).resolves.toEqual([{ owner: 'itsm_handover' }]);
    await as(database.serviceUrl('handover'), async (client) => {
      await expect(client.query("INSERT INTO handover.item (name) VALUES ('a') RETURNING id")).resolves.toMatchObject({ rows: [{ id: 1 }] });
    });
  });

  it('stores a password only as its SCRAM verifier, and the SQL never carries the password itself', async () => {
    const password = `pw-${Date.now()}-'quoted'`;
    await provisionDatabase(database.url, [{ service: 'secretkeeper', password }]);
    const [stored] = await database.query<{ rolpassword: string }>("SELECT rolpassword FROM pg_authid WHERE rolname = 'itsm_secretkeeper'");
    expect(stored?.rolpassword).toMatch(/^SCRAM-SHA-256\$4096:[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/);
    expect(stored?.rolpassword).not.toContain(password);
    const salt = Buffer.from(stored?.rolpassword.split(':')[1]?.split('$')[0] ?? '', 'base64');
    expect(scramVerifier(password, salt)).toBe(stored?.rolpassword);
  });

  it('says which schema is missing and which role may not create it, without the connection URL', async () => {
    const error = await migrateAs(database, 'incident', 'unprovisioned').then(
      () => undefined,
      (failure: Error) => failure,
    );
    expect(error?.message).toContain('schema "unprovisioned" does not exist and role "itsm_incident" may not create it');
    expect(error?.message).not.toContain('postgres://');
  });

  it('refuses a bad service name before any SQL runs', async () => {
    await expect(provisionDatabase(database.url, ['incident; DROP SCHEMA sla'])).rejects.toThrow('invalid SQL identifier');
    await expect(provisionDatabase(database.url, [{ service: 'empty', password: '' }])).rejects.toThrow('the password of itsm_empty is empty');
  });
});

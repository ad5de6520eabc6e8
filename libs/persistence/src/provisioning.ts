/**
 * The database side of a service's isolation: one login role per service (`itsm_<service>`) that owns the
 * service's schema and nothing else. An administrator runs this SQL once per database (and again whenever a
 * service or a password is added); every step may run again, and alongside another run, without harm.
 */
import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import { Client } from 'pg';

/** Extensions a service's migrations use, created into its schema by the administrator (services may not). */
export const SERVICE_EXTENSIONS: Readonly<Record<string, readonly string[]>> = Object.freeze({ knowledge: ['pg_trgm'] });

export interface ServiceRoleSpec {
  service: string;
  /** Sets (or changes) the role's password; without it the role keeps the one it has, if any. */
  password?: string;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

function identifier(name: string): string {
  if (!IDENTIFIER.test(name)) throw new Error(`invalid SQL identifier: ${name}`);
  return name;
}

function literal(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** The login role of a service: `itsm_incident`. */
export function serviceRoleName(service: string): string {
  return identifier(`itsm_${identifier(service)}`);
}

const SCRAM_ITERATIONS = 4096;

/**
 * The SCRAM-SHA-256 verifier PostgreSQL stores for `password`: the SQL carries this instead of the password, so
 * a statement log or `pg_stat_activity` never shows the password itself.
 */
export function scramVerifier(password: string, salt: Buffer = randomBytes(16)): string {
  const salted = pbkdf2Sync(password.normalize('NFKC'), salt, SCRAM_ITERATIONS, 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest();
  const serverKey = createHmac('sha256', salted).update('Server Key').digest();
  return `SCRAM-SHA-256$${SCRAM_ITERATIONS}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}

function roleStatements(spec: ServiceRoleSpec): string[] {
  const role = serviceRoleName(spec.service);
  const schema = identifier(spec.service);
  const attributes = 'LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS';
  const statements = [
    // Roles belong to the whole server: another database's provisioning may create it at the same moment.
    `DO $$ BEGIN CREATE ROLE ${role} ${attributes}; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$`,
    `DO $$ BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = ${literal(role)} AND (rolsuper OR rolcreatedb OR rolcreaterole OR rolreplication OR rolbypassrls OR NOT rolcanlogin)) THEN
    ALTER ROLE ${role} ${attributes};
  END IF;
END $$`,
  ];
  if (spec.password !== undefined) {
    if (spec.password === '') throw new Error(`the password of ${role} is empty`);
    statements.push(`ALTER ROLE ${role} PASSWORD ${literal(scramVerifier(spec.password))}`);
  }
  statements.push(
    `DO $$ BEGIN CREATE SCHEMA IF NOT EXISTS ${schema} AUTHORIZATION ${role}; EXCEPTION WHEN duplicate_schema OR unique_violation THEN NULL; END $$`,
    // A schema made before the roles existed (by a superuser) is handed over with everything in it.
    `DO $$
DECLARE
  item record;
BEGIN
  IF (SELECT nspowner::regrole::text FROM pg_namespace WHERE nspname = ${literal(schema)}) <> ${literal(role)} THEN
    ALTER SCHEMA ${schema} OWNER TO ${role};
  END IF;
  FOR item IN
    SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = ${literal(schema)} AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND c.relowner::regrole::text <> ${literal(role)}
       AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
  LOOP
    EXECUTE format('ALTER TABLE %I.%I OWNER TO %I', ${literal(schema)}, item.relname, ${literal(role)});
  END LOOP;
  -- Sequences a table owns moved with it; these are the free-standing ones.
  FOR item IN
    SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = ${literal(schema)} AND c.relkind = 'S' AND c.relowner::regrole::text <> ${literal(role)}
       AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
  LOOP
    EXECUTE format('ALTER SEQUENCE %I.%I OWNER TO %I', ${literal(schema)}, item.relname, ${literal(role)});
  END LOOP;
  FOR item IN
    SELECT p.oid::regprocedure::text AS signature FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
     WHERE n.nspname = ${literal(schema)} AND p.proowner::regrole::text <> ${literal(role)}
       AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
  LOOP
    EXECUTE format('ALTER ROUTINE %s OWNER TO %I', item.signature, ${literal(role)});
  END LOOP;
END $$`,
  );
  for (const extension of SERVICE_EXTENSIONS[spec.service] ?? []) {
    // Made as the role (a trusted extension; CREATE on the database lent for this block only), so that the role
    // owns it and its migrations may drop it again on the way down.
    statements.push(`DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = ${literal(identifier(extension))}) THEN
    EXECUTE format('GRANT CREATE ON DATABASE %I TO %I', current_database(), ${literal(role)});
    SET LOCAL ROLE ${role};
    CREATE EXTENSION IF NOT EXISTS ${extension} WITH SCHEMA ${schema};
    RESET ROLE;
    EXECUTE format('REVOKE CREATE ON DATABASE %I FROM %I', current_database(), ${literal(role)});
  END IF;
END $$`);
  }
  statements.push(`DO $$ BEGIN EXECUTE format('GRANT CONNECT ON DATABASE %I TO %I', current_database(), ${literal(role)}); END $$`);
  return statements;
}

/**
 * The SQL an administrator runs in the suite's database (as one transaction, or statement by statement as
 * CloudNativePG's `postInitApplicationSQL` does) to give each service its role, schema and extensions. Only the
 * roles connect: CONNECT is taken from PUBLIC. A password appears only as its SCRAM verifier.
 */
export function provisioningSql(services: ReadonlyArray<string | ServiceRoleSpec>): string[] {
  const specs = services.map((entry) => (typeof entry === 'string' ? { service: entry } : entry));
  return [
    ...specs.flatMap(roleStatements),
    `DO $$ BEGIN EXECUTE format('REVOKE CONNECT ON DATABASE %I FROM PUBLIC', current_database()); END $$`,
    // Already so from PostgreSQL 15 on; older servers let every role create objects in `public`.
    'REVOKE CREATE ON SCHEMA public FROM PUBLIC',
  ];
}

/**
 * Runs the provisioning SQL through `adminUrl` (a role allowed to create roles and to grant on the database) in
 * one transaction. Runs in the same database wait for each other; the error never carries the SQL.
 */
export async function provisionDatabase(adminUrl: string, services: ReadonlyArray<string | ServiceRoleSpec>): Promise<void> {
  const statements = provisioningSql(services);
  const client = new Client({ connectionString: adminUrl, application_name: 'itsm-provisioning' });
  await client.connect().catch((error: Error) => {
    throw new Error(`provisioning: cannot connect to the database as its administrator: ${error.message}`);
  });
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', ['itsm:provisioning']);
    for (const statement of statements) await client.query(statement);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    const { message, code } = error as { message?: string; code?: string };
    throw Object.assign(new Error(`provisioning the service roles failed: ${message ?? String(error)}`), { code });
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The URL `service` connects with: the administrator's server and database, as the service's role. */
export function serviceDatabaseUrl(adminUrl: string, service: string, password?: string): string {
  const url = new URL(adminUrl);
  url.username = serviceRoleName(service);
  url.password = password === undefined ? '' : encodeURIComponent(password);
  return url.toString();
}

/** The variable that holds a service's database password where one environment lists them all: `ITSM_DB_PASSWORD_INCIDENT`. */
export function servicePasswordVariable(service: string): string {
  return `ITSM_DB_PASSWORD_${identifier(service).toUpperCase()}`;
}

/**
 * Provisioning from the environment, for a one-off job (the compose init step): ADMIN_DATABASE_URL, the
 * services in ITSM_DB_SERVICES (comma-separated) and each one's password in ITSM_DB_PASSWORD_<SERVICE>.
 */
export async function provisionFromEnvironment(env: NodeJS.ProcessEnv = process.env): Promise<string[]> {
  const adminUrl = env['ADMIN_DATABASE_URL'];
  if (!adminUrl) throw new Error('ADMIN_DATABASE_URL is not set');
  const services = (env['ITSM_DB_SERVICES'] ?? '').split(',').map((name) => name.trim()).filter(Boolean);
  if (services.length === 0) throw new Error('ITSM_DB_SERVICES is empty');
  const specs = services.map((service) => {
    const password = env[servicePasswordVariable(service)];
    if (password === undefined || password === '') throw new Error(`${servicePasswordVariable(service)} is not set`);
    return { service, password };
  });
  await provisionDatabase(adminUrl, specs);
  return services.map(serviceRoleName);
}

/**
 * Prints the SQL that gives every service its own role and schema (`npm run --silent db:provisioning-sql`), for an
 * administrator to run once on a database that was not bootstrapped with it (an existing Kubernetes cluster,
 * docs/operations.md "PostgreSQL"). Passwords are not part of it: CloudNativePG sets them from the Secrets.
 */
import { BUS_SERVICES } from '@itsm/contracts';
import { provisioningSql } from '@itsm/persistence';

process.stdout.write(`${provisioningSql(BUS_SERVICES).map((statement) => `${statement};`).join('\n')}\n`);

import { ServiceHarness, type ServiceHarnessOptions } from '@itsm/testing';
import { changeApp } from '../../src/service-definition';
import type { ChangeConfig } from '../../src/config';

/** The change service on a fresh database, and what a test needs to drive and observe it. */
export class ChangeHarness extends ServiceHarness<ChangeConfig> {
  private constructor() {
    super(changeApp);
  }

  /** `fresh: false` keeps the streams (and so the consumers of a service already running in the same test file). */
  static start(env: Record<string, string> = {}, options: ServiceHarnessOptions = {}): Promise<ChangeHarness> {
    return new ChangeHarness().boot(env, options);
  }

  /** One change-schema table row by id, as PostgreSQL returns it (snake_case columns). */
  async row(table: string, id: string): Promise<Record<string, unknown>> {
    const [row] = await this.database.query<Record<string, unknown>>(`SELECT * FROM change.${table} WHERE id = $1`, [id]);
    if (!row) throw new Error(`no ${table} row ${id}`);
    return row;
  }
}

import { ServiceHarness } from '@itsm/testing';
import { cmdbApp } from '../../src/service-definition';
import type { CmdbConfig } from '../../src/config';

/** The cmdb service on a fresh database, and what a test needs to drive and observe it. */
export class CmdbHarness extends ServiceHarness<CmdbConfig> {
  private constructor() {
    super(cmdbApp);
  }

  /** `fresh: false` keeps the streams (and so the consumers of a service already running in the same test file). */
  static start(env: Record<string, string> = {}, options: { fresh?: boolean } = {}): Promise<CmdbHarness> {
    return new CmdbHarness().boot(env, options);
  }

  /** One row of a cmdb table by id, as PostgreSQL returns it (snake_case columns). */
  async row(table: string, id: string): Promise<Record<string, unknown>> {
    const [row] = await this.database.query<Record<string, unknown>>(`SELECT * FROM cmdb.${table} WHERE id = $1`, [id]);
    if (!row) throw new Error(`no ${table} row ${id}`);
    return row;
  }
}

import { ServiceHarness, type ServiceHarnessOptions } from '@itsm/testing';
import { knowledgeApp } from '../../src/service-definition';
import type { KnowledgeConfig } from '../../src/config';

/** The knowledge service on a fresh database, and what a test needs to drive and observe it. */
export class KnowledgeHarness extends ServiceHarness<KnowledgeConfig> {
  private constructor() {
    super(knowledgeApp);
  }

  /** `fresh: false` keeps the streams (and so the consumers of a service already running in the same test file). */
  static start(env: Record<string, string> = {}, options: ServiceHarnessOptions = {}): Promise<KnowledgeHarness> {
    return new KnowledgeHarness().boot(env, options);
  }

  /** One knowledge-schema table row by id, as PostgreSQL returns it (snake_case columns). */
  async row(table: string, id: string): Promise<Record<string, unknown>> {
    const [row] = await this.database.query<Record<string, unknown>>(`SELECT * FROM knowledge.${table} WHERE id = $1`, [id]);
    if (!row) throw new Error(`no ${table} row ${id}`);
    return row;
  }
}

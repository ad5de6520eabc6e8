import { type Actor, type CreateProblemDto, ProblemRpc, type ProblemView } from '@itsm/contracts';
import { sam, ServiceHarness, type ServiceHarnessOptions } from '@itsm/testing';
import { problemApp } from '../../src/service-definition';
import type { ProblemConfig } from '../../src/config';

/** The problem service on a fresh database, and what a test needs to drive and observe it. */
export class ProblemHarness extends ServiceHarness<ProblemConfig> {
  private constructor() {
    super(problemApp);
  }

  /** `fresh: false` keeps the streams (and so the consumers of a service already running in the same test file); `replicas` starts more than one instance. */
  static start(env: Record<string, string> = {}, options: ServiceHarnessOptions = {}): Promise<ProblemHarness> {
    return new ProblemHarness().boot(env, options);
  }

  /** Opens a problem (as an agent by default) with the fields a test does not care about filled in. */
  open(overrides: Partial<CreateProblemDto> = {}, actor: Actor = sam): Promise<ProblemView> {
    return this.rpc.call(ProblemRpc.create, { title: 'Mail queue stalls every morning', category: 'email', impact: 2, urgency: 2, ...overrides }, { actor });
  }

  /** One problem-schema table row by id, as PostgreSQL returns it (snake_case columns). */
  async row(table: string, id: string): Promise<Record<string, unknown>> {
    const [row] = await this.database.query<Record<string, unknown>>(`SELECT * FROM problem.${table} WHERE id = $1`, [id]);
    if (!row) throw new Error(`no ${table} row ${id}`);
    return row;
  }
}

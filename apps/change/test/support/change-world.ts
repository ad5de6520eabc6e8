import { randomUUID } from 'node:crypto';
import {
  type Actor,
  type ChangeView,
  ChangeRpc,
  ChangeState,
  ChangeType,
  ChangeVote,
  CmdbRpc,
  type CreateChangeDto,
  RelationshipType,
  Role,
  type TransitionChangeDto,
} from '@itsm/contracts';
import { carl, maria, sam } from '@itsm/testing';
// eslint-disable-next-line @nx/enforce-module-boundaries -- a test runs the real cmdb service beside this one, through its own harness; no source of one app imports another
import { CmdbHarness } from '../../../cmdb/test/support/cmdb-harness';
import { ChangeHarness } from './change-harness';

/** A second CAB member, for policies that need two. */
export const cora: Actor = { sub: 'cora', name: 'Cora CAB', roles: [Role.Cab] };

const HOUR = 3_600_000;

/** A window of `hours` starting `fromNowHours` from now (RFC 3339). */
export function windowOf(fromNowHours: number, hours = 2): Pick<CreateChangeDto, 'plannedStart' | 'plannedEnd'> {
  const start = Date.now() + fromNowHours * HOUR;
  return { plannedStart: new Date(start).toISOString(), plannedEnd: new Date(start + hours * HOUR).toISOString() };
}

/**
 * The change service beside a real CMDB, and the moves a test makes: CIs and the relationships between them, changes
 * raised on them, transitions and votes.
 */
export class ChangeWorld {
  private constructor(
    readonly h: ChangeHarness,
    readonly cmdb: CmdbHarness,
  ) {}

  static async start(env: Record<string, string> = {}): Promise<ChangeWorld> {
    const h = await ChangeHarness.start(env);
    const cmdb = await CmdbHarness.start({}, { fresh: false });
    return new ChangeWorld(h, cmdb);
  }

  async stop(): Promise<void> {
    await this.cmdb?.stop();
    await this.h?.stop();
  }

  /** A CI of `className` (criticality 1 most … 4 least), with a unique name. */
  async ci(className: string, criticality: number, name = className): Promise<string> {
    const created = await this.cmdb.rpc.call(CmdbRpc.createCi, { className, name: `${name}-${randomUUID().slice(0, 8)}`, environment: 'prod', criticality }, { actor: sam });
    return created.id;
  }

  /** `source` depends on `target`. */
  async dependsOn(source: string, target: string): Promise<void> {
    await this.cmdb.rpc.call(CmdbRpc.addRelationship, { type: RelationshipType.DependsOn, sourceId: source, targetId: target }, { actor: sam });
  }

  /** An application (criticality 1) that a business service (criticality 1) depends on: changes on it are of high risk. */
  async criticalApplication(): Promise<{ app: string; service: string }> {
    const app = await this.ci('application', 1, 'billing-api');
    const service = await this.ci('business_service', 1, 'billing');
    await this.dependsOn(service, app);
    return { app, service };
  }

  /** Raises a change (normal, two hours from tomorrow, by an agent) with the fields a test does not care about filled in. */
  raise(fields: Partial<CreateChangeDto> & Pick<CreateChangeDto, 'ciIds'>, actor: Actor = sam): Promise<ChangeView> {
    return this.h.rpc.call(ChangeRpc.create, { type: ChangeType.Normal, title: 'Upgrade the billing API to 4.2', ...windowOf(24), ...fields }, { actor });
  }

  move(change: Pick<ChangeView, 'id'>, transition: TransitionChangeDto, actor: Actor = sam, expectedVersion?: number): Promise<ChangeView> {
    return this.h.rpc.call(ChangeRpc.transition, { id: change.id, transition, ...(expectedVersion === undefined ? {} : { expectedVersion }) }, { actor });
  }

  vote(change: Pick<ChangeView, 'id'>, actor: Actor, decision: ChangeVote = ChangeVote.Approve, comment?: string): Promise<ChangeView> {
    return this.h.rpc.call(ChangeRpc.vote, { id: change.id, decision, ...(comment === undefined ? {} : { comment }) }, { actor });
  }

  delegate(change: Pick<ChangeView, 'id'>, actor: Actor, to: string): Promise<ChangeView> {
    return this.h.rpc.call(ChangeRpc.delegate, { id: change.id, to }, { actor });
  }

  /** Moves a normal or emergency change through assess to authorize, where it awaits approval. */
  async toAuthorize(change: ChangeView): Promise<ChangeView> {
    await this.move(change, { to: ChangeState.Assess });
    return this.move(change, { to: ChangeState.Authorize });
  }

  /** Raises a low-risk normal change on `ciIds` and has a manager approve it: it is scheduled when its window is clear. */
  async approved(fields: Partial<CreateChangeDto> & Pick<CreateChangeDto, 'ciIds'>): Promise<ChangeView> {
    const change = await this.toAuthorize(await this.raise(fields));
    return this.vote(change, maria);
  }
}

export { carl, maria, sam };

import {
  type Actor,
  type CreatedIncidentView,
  type CreateIncidentRequest,
  type EventDeclaration,
  HoldReason,
  IncidentRpc,
  IncidentState,
  type IncidentView,
  ResolutionCode,
  type TransitionIncidentDto,
} from '@itsm/contracts';
import { alice, buildCreateIncident, sam, ServiceHarness, testEnvelope } from '@itsm/testing';
import { incidentApp } from '../../src/service-definition';
import type { IncidentConfig } from '../../src/config';

/** The incident service on a fresh database, and what a test needs to drive and observe it. */
export class IncidentHarness extends ServiceHarness<IncidentConfig> {
  private constructor() {
    super(incidentApp);
  }

  /** `fresh: false` keeps the streams (and so the consumers of a service already running in the same test file). */
  static start(env: Record<string, string> = {}, options: { fresh?: boolean } = {}): Promise<IncidentHarness> {
    return new IncidentHarness().boot(env, options);
  }

  open(actor: Actor = alice, overrides: Partial<CreateIncidentRequest> = {}): Promise<CreatedIncidentView> {
    return this.rpc.call(IncidentRpc.create, buildCreateIncident(overrides), { actor });
  }

  move(id: string, transition: TransitionIncidentDto, actor: Actor = sam, expectedVersion?: number): Promise<IncidentView> {
    return this.rpc.call(IncidentRpc.transition, { id, transition, ...(expectedVersion ? { expectedVersion } : {}) }, { actor });
  }

  /** Drives a new incident to `state` along the usual path. */
  async inState(state: IncidentState, actor: Actor = alice): Promise<IncidentView> {
    const created = await this.open(actor);
    const path: Record<IncidentState, TransitionIncidentDto[]> = {
      [IncidentState.New]: [],
      [IncidentState.InProgress]: [{ to: IncidentState.InProgress }],
      [IncidentState.OnHold]: [{ to: IncidentState.InProgress }, { to: IncidentState.OnHold, holdReason: HoldReason.AwaitingVendor }],
      [IncidentState.Resolved]: [{ to: IncidentState.InProgress }, RESOLVE],
      [IncidentState.Closed]: [{ to: IncidentState.InProgress }, RESOLVE, { to: IncidentState.Closed }],
      [IncidentState.Canceled]: [{ to: IncidentState.Canceled, reason: 'opened by mistake' }],
      [IncidentState.Merged]: [],
    };
    if (state === IncidentState.Merged) {
      const survivor = await this.open(actor);
      return this.move(created.id, { to: IncidentState.Merged, into: survivor.id });
    }
    let current: IncidentView = created;
    for (const step of path[state]) current = await this.move(created.id, step);
    return current;
  }

  async row(id: string): Promise<Record<string, unknown>> {
    const [row] = await this.database.query<Record<string, unknown>>(`SELECT * FROM incident.incidents WHERE id = $1`, [id]);
    if (!row) throw new Error(`no incident row ${id}`);
    return row;
  }

  /** Publishes an event on JetStream as another service's outbox would (the sla service unless `source` says which). */
  async publish<T>(event: EventDeclaration<string, T>, subject: string, data: T, options: { source?: string } = {}): Promise<string> {
    const envelope = testEnvelope(event, subject, data, { source: options.source ?? 'itsm/sla' });
    await this.nc.jetstream().publish(event.subject, JSON.stringify(envelope), { msgID: envelope.id });
    return envelope.id;
  }
}

export const RESOLVE: TransitionIncidentDto = { to: IncidentState.Resolved, resolutionCode: ResolutionCode.PermanentFix, resolutionNotes: 'Replaced the faulty switch port.' };

/** The incident without the reply-only duplicate hints. */
export const viewOf = ({ possibleDuplicates: _hints, ...view }: CreatedIncidentView): IncidentView => view;

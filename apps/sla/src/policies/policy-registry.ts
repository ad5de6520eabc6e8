import { Injectable } from '@nestjs/common';
import { type EntityManager, In } from 'typeorm';
import type { PolicySpec } from '../domain/policy';
import { Policy } from './policy.entity';

export function specOf(policy: Policy): PolicySpec {
  return {
    id: policy.id,
    name: policy.name,
    kind: policy.kind,
    order: policy.order,
    createdAt: policy.createdAt.getTime(),
    enabled: policy.enabled,
    conditions: policy.conditions,
    targets: policy.targets,
  };
}

/** The id and version of a policy row: what tells whether a policy read before is still the policy. */
export interface PolicyVersion {
  id: string;
  version: number;
}

/**
 * The enabled policies as of the caller's transaction (a handful of rows), read fresh so every replica applies the
 * same. Which policies are enabled, and at which version, is asked each time; a policy is read and turned into its
 * spec again only when its version moved on, so applying a ticket event costs one small query, not a read of every
 * policy's conditions and targets.
 */
@Injectable()
export class PolicyRegistry {
  private readonly known = new Map<string, { version: number; spec: PolicySpec }>();

  async all(manager: EntityManager): Promise<PolicySpec[]> {
    const versions: PolicyVersion[] = await manager.query(`SELECT id, version FROM ${manager.connection.getMetadata(Policy).tablePath} WHERE enabled`);
    return this.enabled(manager, versions);
  }

  /** The specs of the enabled policies whose versions the caller just read in its transaction. */
  async enabled(manager: EntityManager, versions: readonly PolicyVersion[]): Promise<PolicySpec[]> {
    const changed = versions.filter((row) => this.known.get(row.id)?.version !== row.version).map((row) => row.id);
    if (changed.length > 0) {
      for (const policy of await manager.findBy(Policy, { id: In(changed) })) this.known.set(policy.id, { version: policy.version, spec: specOf(policy) });
    }
    return versions.flatMap((row) => {
      const spec = this.known.get(row.id)?.spec;
      return spec ? [spec] : [];
    });
  }
}

import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
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

/** The policies as of the caller's transaction (a handful of rows): read fresh, so every replica applies the same. */
@Injectable()
export class PolicyRegistry {
  async all(manager: EntityManager): Promise<PolicySpec[]> {
    return (await manager.find(Policy, { where: { enabled: true } })).map(specOf);
  }
}

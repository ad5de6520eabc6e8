import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { type Actor, type CiView, CmdbError, CmdbErrorCode, type CreateCiRequest, MANUAL_SOURCE, type RetireCiRequest, type UpdateCiRequest } from '@itsm/contracts';
import { claimIdempotencyKey } from '@itsm/persistence';
import { type ChangeContext, CiWriter } from './ci.writer';
import { Ci, toCiView } from './ci.entity';

function manual(actor: Actor): ChangeContext {
  return { actorId: actor.sub, source: MANUAL_SOURCE };
}

/** CIs changed by hand through the API: each use case is one transaction around the writer. */
@Injectable()
export class CisService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly writer: CiWriter,
  ) {}

  async create(request: CreateCiRequest, actor: Actor): Promise<CiView> {
    const { idempotencyKey, ...body } = request;
    return this.dataSource.transaction(async (manager) => {
      const id = randomUUID();
      if (idempotencyKey) {
        const earlier = await claimIdempotencyKey(manager, { scope: 'cmdb.ci_create', actorId: actor.sub, key: idempotencyKey, request: body, resourceId: id });
        if (earlier) return toCiView(await manager.findOneByOrFail(Ci, { id: earlier }));
      }
      const ci = await this.writer.create(
        manager,
        {
          id,
          className: request.className,
          name: request.name,
          environment: request.environment,
          ...(request.status !== undefined ? { status: request.status } : {}),
          ...(request.criticality !== undefined ? { criticality: request.criticality } : {}),
          ...(request.ownerGroup !== undefined ? { ownerGroup: request.ownerGroup } : {}),
          identifiers: request.identifiers ?? {},
          attributes: request.attributes ?? {},
        },
        manual(actor),
      );
      return toCiView(ci);
    });
  }

  async get(id: string): Promise<CiView> {
    const ci = await this.dataSource.getRepository(Ci).findOneBy({ id });
    if (!ci) throw new CmdbError(CmdbErrorCode.CiNotFound, `CI ${id} not found`);
    return toCiView(ci);
  }

  async update(request: UpdateCiRequest, actor: Actor): Promise<CiView> {
    return this.dataSource.transaction(async (manager) => {
      const ci = await this.writer.lock(manager, request.id, { expectedVersion: request.expectedVersion });
      const { changes } = request;
      const result = await this.writer.update(
        manager,
        ci,
        {
          ...(changes.name !== undefined ? { name: changes.name } : {}),
          ...(changes.environment !== undefined ? { environment: changes.environment } : {}),
          ...(changes.status !== undefined ? { status: changes.status } : {}),
          ...(changes.criticality !== undefined ? { criticality: changes.criticality } : {}),
          ...(changes.ownerGroup !== undefined ? { ownerGroup: changes.ownerGroup } : {}),
          ...(changes.identifiers !== undefined ? { identifiers: changes.identifiers as Record<string, string | null> } : {}),
          ...(changes.attributes !== undefined ? { attributes: changes.attributes } : {}),
        },
        manual(actor),
      );
      return toCiView(result.ci);
    });
  }

  async retire(request: RetireCiRequest, actor: Actor): Promise<CiView> {
    return this.dataSource.transaction(async (manager) => {
      const ci = await this.writer.lock(manager, request.id, { expectedVersion: request.expectedVersion });
      return toCiView(await this.writer.retire(manager, ci, { ...manual(actor), reason: request.reason ?? null }));
    });
  }
}

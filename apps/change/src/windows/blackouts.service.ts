import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import {
  type Actor,
  type BlackoutWindowDto,
  type BlackoutWindowList,
  type BlackoutWindowView,
  BlackoutScope,
  CommonError,
  CommonErrorCode,
  type CreateBlackoutWindowRequest,
  type ListBlackoutWindowsRequest,
  type UpdateBlackoutWindowRequest,
} from '@itsm/contracts';
import { BlackoutWindow, toBlackoutWindowView } from './blackout-window.entity';
import { BlackoutWindowWriter, blackoutNotFound } from './blackout-window.writer';
import { windowOf, writeNamed } from './window-times';

const NAME_KEY = 'blackout_windows_name_key';

/** The fields a blackout is made of, as given (a blackout is replaced whole: what is left out is cleared or defaulted). */
function fieldsOf(request: BlackoutWindowDto): Pick<BlackoutWindow, 'name' | 'description' | 'scope' | 'targetIds' | 'startsAt' | 'endsAt' | 'rrule' | 'timeZone'> {
  const window = windowOf(request);
  const targetIds = [...new Set(request.targetIds ?? [])];
  if (request.scope === BlackoutScope.Global && targetIds.length > 0) {
    throw new CommonError(CommonErrorCode.InvalidRequest, 'a global blackout covers everything: it names no targets', { errors: [{ field: 'targetIds', message: 'must be empty for scope global' }] });
  }
  if (request.scope !== BlackoutScope.Global && targetIds.length === 0) {
    throw new CommonError(CommonErrorCode.InvalidRequest, `a blackout of scope ${request.scope} names what it covers`, {
      errors: [{ field: 'targetIds', message: `must name at least one ${request.scope === BlackoutScope.Service ? 'business service' : 'CI'}` }],
    });
  }
  return {
    name: request.name,
    description: request.description ?? '',
    scope: request.scope,
    targetIds,
    startsAt: window.start,
    endsAt: window.end,
    rrule: window.rrule ?? null,
    timeZone: window.timeZone,
  };
}

/** The blackout windows managers keep and agents read. */
@Injectable()
export class BlackoutsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly writer: BlackoutWindowWriter,
  ) {}

  async list(request: ListBlackoutWindowsRequest): Promise<BlackoutWindowList> {
    const query = this.dataSource.getRepository(BlackoutWindow).createQueryBuilder('b').orderBy('b.startsAt', 'ASC').addOrderBy('b.id', 'ASC');
    if (request.scope !== undefined) query.andWhere('b.scope = :scope', { scope: request.scope });
    if (request.targetId !== undefined) query.andWhere(':targetId = ANY(b.targetIds)', { targetId: request.targetId });
    return { items: (await query.getMany()).map(toBlackoutWindowView) };
  }

  async get(id: string): Promise<BlackoutWindowView> {
    const window = await this.dataSource.getRepository(BlackoutWindow).findOneBy({ id });
    if (!window) throw blackoutNotFound(id);
    return toBlackoutWindowView(window);
  }

  create(request: CreateBlackoutWindowRequest, actor: Actor): Promise<BlackoutWindowView> {
    const fields = fieldsOf(request);
    return writeNamed(this.dataSource, 'blackout window', NAME_KEY, request.name, (manager) => {
      const now = new Date();
      const window = manager.create(BlackoutWindow, { ...fields, id: randomUUID(), createdAt: now, updatedAt: now, version: 1 });
      return this.writer.insert(manager, window, { actorId: actor.sub });
    });
  }

  update(request: UpdateBlackoutWindowRequest, actor: Actor): Promise<BlackoutWindowView> {
    const { id, expectedVersion } = request;
    const fields = fieldsOf(request);
    return writeNamed(this.dataSource, 'blackout window', NAME_KEY, request.name, async (manager) => {
      const window = await this.writer.lock(manager, id, { expectedVersion });
      const before = this.writer.toView(window);
      Object.assign(window, fields);
      return this.writer.save(manager, window, before, { actorId: actor.sub, action: 'updated' });
    });
  }

  delete(id: string, actor: Actor): Promise<BlackoutWindowView> {
    return this.dataSource.transaction(async (manager) => {
      const window = await this.writer.lock(manager, id);
      return this.writer.remove(manager, window, { actorId: actor.sub });
    });
  }
}

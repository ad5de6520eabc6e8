import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import {
  type Actor,
  type CreateMaintenanceWindowRequest,
  type ListMaintenanceWindowsRequest,
  type MaintenanceWindowDto,
  type MaintenanceWindowList,
  type MaintenanceWindowView,
  type UpdateMaintenanceWindowRequest,
} from '@itsm/contracts';
import { MaintenanceWindow, toMaintenanceWindowView } from './maintenance-window.entity';
import { MaintenanceWindowWriter, maintenanceWindowNotFound } from './maintenance-window.writer';
import { windowOf, writeNamed } from './window-times';

const NAME_KEY = 'maintenance_windows_name_key';

/** The fields a maintenance window is made of, as given (it is replaced whole: what is left out is cleared or defaulted). */
function fieldsOf(request: MaintenanceWindowDto): Pick<MaintenanceWindow, 'name' | 'description' | 'ciIds' | 'startsAt' | 'endsAt' | 'rrule' | 'timeZone'> {
  const window = windowOf(request);
  return {
    name: request.name,
    description: request.description ?? '',
    ciIds: [...new Set(request.ciIds)],
    startsAt: window.start,
    endsAt: window.end,
    rrule: window.rrule ?? null,
    timeZone: window.timeZone,
  };
}

/** The maintenance windows managers keep and agents read. */
@Injectable()
export class MaintenanceWindowsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly writer: MaintenanceWindowWriter,
  ) {}

  async list(request: ListMaintenanceWindowsRequest): Promise<MaintenanceWindowList> {
    const query = this.dataSource.getRepository(MaintenanceWindow).createQueryBuilder('m').orderBy('m.startsAt', 'ASC').addOrderBy('m.id', 'ASC');
    if (request.ciId !== undefined) query.andWhere(':ciId = ANY(m.ciIds)', { ciId: request.ciId });
    return { items: (await query.getMany()).map(toMaintenanceWindowView) };
  }

  async get(id: string): Promise<MaintenanceWindowView> {
    const window = await this.dataSource.getRepository(MaintenanceWindow).findOneBy({ id });
    if (!window) throw maintenanceWindowNotFound(id);
    return toMaintenanceWindowView(window);
  }

  create(request: CreateMaintenanceWindowRequest, actor: Actor): Promise<MaintenanceWindowView> {
    const fields = fieldsOf(request);
    return writeNamed(this.dataSource, 'maintenance window', NAME_KEY, request.name, (manager) => {
      const now = new Date();
      const window = manager.create(MaintenanceWindow, { ...fields, id: randomUUID(), createdAt: now, updatedAt: now, version: 1 });
      return this.writer.insert(manager, window, { actorId: actor.sub });
    });
  }

  update(request: UpdateMaintenanceWindowRequest, actor: Actor): Promise<MaintenanceWindowView> {
    const { id, expectedVersion } = request;
    const fields = fieldsOf(request);
    return writeNamed(this.dataSource, 'maintenance window', NAME_KEY, request.name, async (manager) => {
      const window = await this.writer.lock(manager, id, { expectedVersion });
      const before = this.writer.toView(window);
      Object.assign(window, fields);
      return this.writer.save(manager, window, before, { actorId: actor.sub, action: 'updated' });
    });
  }

  delete(id: string, actor: Actor): Promise<MaintenanceWindowView> {
    return this.dataSource.transaction(async (manager) => {
      const window = await this.writer.lock(manager, id);
      return this.writer.remove(manager, window, { actorId: actor.sub });
    });
  }
}

import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import {
  type Actor,
  type ApprovalPolicyDto,
  type CatalogItemPage,
  CatalogItemStatus,
  type CatalogItemView,
  type CreateCatalogItemDto,
  DEFAULT_PAGE_SIZE,
  DomainError,
  ErrorCode,
  type FieldError,
  type ListCatalogItemsQuery,
  type RetireCatalogItemCommand,
  Role,
  type UpdateCatalogItemCommand,
} from '@itsm/contracts';
import { assertVersion, decodeCursor, encodeCursor } from '@itsm/persistence';
import { checkApprovalPolicy } from '../domain/approval';
import { writeAudit } from './audit';
import { CatalogItem, toCatalogItemView } from './catalog-item.entity';
import { FormSchemas } from './form-schema';

function isAdmin(actor: Actor): boolean {
  return actor.roles.includes(Role.Admin);
}

function requireAdmin(actor: Actor): void {
  if (!isAdmin(actor)) throw new DomainError(ErrorCode.FORBIDDEN, 'only admins manage the request catalog');
}

/** The approval rules as stored: only the fields of the type, so equal rules are stored equally. */
function storedApproval(policy: ApprovalPolicyDto): ApprovalPolicyDto {
  return {
    type: policy.type,
    ...(policy.group !== undefined ? { group: policy.group } : {}),
    ...(policy.approvers !== undefined ? { approvers: [...policy.approvers] } : {}),
    ...(policy.required !== undefined ? { required: policy.required } : {}),
  };
}

@Injectable()
export class CatalogService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly forms: FormSchemas,
  ) {}

  async create(input: CreateCatalogItemDto, actor: Actor): Promise<CatalogItemView> {
    requireAdmin(actor);
    this.checkDefinition({ formSchema: input.formSchema, approval: input.approval });
    return this.dataSource.transaction(async (manager) => {
      const now = new Date();
      const item = manager.create(CatalogItem, {
        id: randomUUID(),
        name: input.name,
        description: input.description ?? null,
        category: input.category,
        formSchema: input.formSchema,
        approval: storedApproval(input.approval),
        fulfillmentGroup: input.fulfillmentGroup,
        expectedDeliveryHours: input.expectedDeliveryHours,
        status: CatalogItemStatus.Active,
        createdAt: now,
        updatedAt: now,
        version: 1,
      });
      await manager.insert(CatalogItem, item);
      const view = toCatalogItemView(item);
      await writeAudit(manager, { entityType: 'catalog_item', entityId: item.id, action: 'created', actorId: actor.sub, before: null, after: view });
      return view;
    });
  }

  /** Changes the fields sent; requests already submitted keep the item version they were submitted under. */
  async update(command: UpdateCatalogItemCommand, actor: Actor): Promise<CatalogItemView> {
    requireAdmin(actor);
    const changes = changesOf(command);
    this.checkDefinition({ formSchema: command.formSchema, approval: command.approval });
    return this.dataSource.transaction(async (manager) => {
      const item = await this.lock(manager, command.id);
      assertVersion(`catalog item ${item.id}`, item.version, command.expectedVersion ?? undefined);
      const before = toCatalogItemView(item);
      if (Object.keys(changes).length === 0) return before;
      Object.assign(item, changes, { version: item.version + 1, updatedAt: new Date() });
      await manager.update(CatalogItem, { id: item.id }, { ...changes, version: item.version, updatedAt: item.updatedAt });
      const after = toCatalogItemView(item);
      await writeAudit(manager, { entityType: 'catalog_item', entityId: item.id, action: 'updated', actorId: actor.sub, before, after });
      return after;
    });
  }

  /** No new requests for a retired item; requests in flight go on. Retiring twice changes nothing. */
  async retire(command: RetireCatalogItemCommand, actor: Actor): Promise<CatalogItemView> {
    requireAdmin(actor);
    return this.dataSource.transaction(async (manager) => {
      const item = await this.lock(manager, command.id);
      assertVersion(`catalog item ${item.id}`, item.version, command.expectedVersion ?? undefined);
      const before = toCatalogItemView(item);
      if (item.status === CatalogItemStatus.Retired) return before;
      Object.assign(item, { status: CatalogItemStatus.Retired, version: item.version + 1, updatedAt: new Date() });
      await manager.update(CatalogItem, { id: item.id }, { status: item.status, version: item.version, updatedAt: item.updatedAt });
      const after = toCatalogItemView(item);
      await writeAudit(manager, { entityType: 'catalog_item', entityId: item.id, action: 'retired', actorId: actor.sub, before, after });
      return after;
    });
  }

  /** Retired items look like they do not exist, except to admins. */
  async get(id: string, actor: Actor): Promise<CatalogItemView> {
    const item = await this.dataSource.getRepository(CatalogItem).findOneBy({ id });
    if (!item || (item.status !== CatalogItemStatus.Active && !isAdmin(actor))) throw notFound(id);
    return toCatalogItemView(item);
  }

  async list(query: ListCatalogItemsQuery, actor: Actor): Promise<CatalogItemPage> {
    const status = query.status ?? CatalogItemStatus.Active;
    if (status !== CatalogItemStatus.Active) requireAdmin(actor);
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const builder = this.dataSource
      .getRepository(CatalogItem)
      .createQueryBuilder('item')
      .where('item.status = :status', { status })
      .orderBy('item.name', 'ASC')
      .addOrderBy('item.id', 'ASC')
      .take(limit + 1);
    if (query.category) builder.andWhere('item.category = :category', { category: query.category });
    if (query.cursor) {
      const [name, id] = decodeCursor(query.cursor, 2);
      if (typeof name !== 'string' || typeof id !== 'string' || !/^[0-9a-f-]{36}$/i.test(id)) {
        throw new DomainError(ErrorCode.VALIDATION, 'cursor is not valid', { errors: [{ field: 'cursor', message: 'must be a nextCursor returned by this list' }] });
      }
      builder.andWhere('(item.name, item.id) > (:afterName, CAST(:afterId AS uuid))', { afterName: name, afterId: id });
    }
    const rows = await builder.getMany();
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return { items: page.map(toCatalogItemView), nextCursor: rows.length > limit && last ? encodeCursor([last.name, last.id]) : null };
  }

  /** The item a new request is for, inside the request's transaction: it must exist and be active. */
  async activeItem(manager: EntityManager, id: string): Promise<CatalogItem> {
    const item = await manager.findOneBy(CatalogItem, { id });
    if (!item) throw new DomainError(ErrorCode.NOT_FOUND, `catalog item ${id} not found`, { errors: [{ field: 'itemId', message: 'no such catalog item' }] });
    if (item.status !== CatalogItemStatus.Active) {
      throw new DomainError(ErrorCode.UNPROCESSABLE, `catalog item ${id} is retired: it takes no new requests`, { errors: [{ field: 'itemId', message: 'is retired' }] });
    }
    return item;
  }

  /** The current fulfillment group of an item (which may have changed since the request was submitted). */
  async fulfillmentGroupOf(manager: EntityManager, id: string): Promise<string> {
    const item = await manager.findOneByOrFail(CatalogItem, { id });
    return item.fulfillmentGroup;
  }

  private checkDefinition(definition: { formSchema?: Record<string, unknown> | undefined; approval?: ApprovalPolicyDto | undefined }): void {
    const errors = [
      ...(definition.formSchema ? this.forms.checkSchema(definition.formSchema) : []),
      ...(definition.approval ? checkApprovalPolicy(definition.approval) : []),
    ];
    if (errors.length > 0) {
      const fields = [...new Set(errors.map((error) => error.field))];
      throw new DomainError(ErrorCode.VALIDATION, `catalog item has invalid fields: ${fields.join(', ')}`, { errors });
    }
  }

  private async lock(manager: EntityManager, id: string): Promise<CatalogItem> {
    const item = await manager.findOne(CatalogItem, { where: { id }, lock: { mode: 'pessimistic_write' } });
    if (!item) throw notFound(id);
    return item;
  }
}

type ItemChanges = Partial<Pick<CatalogItem, 'name' | 'description' | 'category' | 'formSchema' | 'approval' | 'fulfillmentGroup' | 'expectedDeliveryHours'>>;

/** The fields an update sends; null only clears what may be empty (the description). */
function changesOf(command: UpdateCatalogItemCommand): ItemChanges {
  const changes: ItemChanges = {};
  const nulls: FieldError[] = [];
  const set = <K extends keyof ItemChanges>(field: K, value: ItemChanges[K] | null | undefined): void => {
    if (value === undefined) return;
    if (value === null) nulls.push({ field, message: `${field} cannot be null` });
    else changes[field] = value;
  };
  set('name', command.name);
  set('category', command.category);
  set('formSchema', command.formSchema);
  set('approval', command.approval ? storedApproval(command.approval) : command.approval);
  set('fulfillmentGroup', command.fulfillmentGroup);
  set('expectedDeliveryHours', command.expectedDeliveryHours);
  if (command.description !== undefined) changes.description = command.description;
  if (nulls.length > 0) throw new DomainError(ErrorCode.VALIDATION, 'request is not valid', { errors: nulls });
  return changes;
}

function notFound(id: string): DomainError {
  return new DomainError(ErrorCode.NOT_FOUND, `catalog item ${id} not found`);
}

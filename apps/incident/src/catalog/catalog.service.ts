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
  type FieldError,
  type ListCatalogItemsQuery,
  RequestError,
  RequestErrorCode,
  type RetireCatalogItemCommand,
  type UpdateCatalogItemCommand,
} from '@itsm/contracts';
import { decodeCursor, encodeCursor, isUuid } from '@itsm/persistence';
import { checkApprovalPolicy } from '../domain/approval';
import { canSeeCatalogItem, mayListCatalogItems } from '../domain/request-access';
import { CatalogItem, toCatalogItemView } from './catalog-item.entity';
import { catalogItemNotFound, CatalogItemWriter } from './catalog-item.writer';
import { FormSchemas } from './form-schema';

/** The approval rules as stored: only the fields of the type, so equal rules are stored equally. */
function storedApproval(policy: ApprovalPolicyDto): ApprovalPolicyDto {
  return {
    type: policy.type,
    ...(policy.group !== undefined ? { group: policy.group } : {}),
    ...(policy.approvers !== undefined ? { approvers: [...policy.approvers] } : {}),
    ...(policy.required !== undefined ? { required: policy.required } : {}),
  };
}

/** The request catalog. Who manages it (admins) is declared on its operations; retired items are for admins' eyes only. */
@Injectable()
export class CatalogService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly forms: FormSchemas,
    private readonly writer: CatalogItemWriter,
  ) {}

  async create(input: CreateCatalogItemDto, actor: Actor): Promise<CatalogItemView> {
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
      return this.writer.insert(manager, item, { actorId: actor.sub, action: 'created' });
    });
  }

  /** Changes the fields sent; requests already submitted keep the item version they were submitted under. */
  async update(command: UpdateCatalogItemCommand, actor: Actor): Promise<CatalogItemView> {
    const changes = changesOf(command);
    this.checkDefinition({ formSchema: command.formSchema, approval: command.approval });
    return this.dataSource.transaction(async (manager) => {
      const item = await this.writer.lock(manager, command.id, { expectedVersion: command.expectedVersion ?? undefined });
      const before = this.writer.toView(item);
      if (Object.keys(changes).length === 0) return before;
      Object.assign(item, changes);
      return this.writer.save(manager, item, before, { actorId: actor.sub, action: 'updated' });
    });
  }

  /** No new requests for a retired item; requests in flight go on. Retiring twice changes nothing. */
  async retire(command: RetireCatalogItemCommand, actor: Actor): Promise<CatalogItemView> {
    return this.dataSource.transaction(async (manager) => {
      const item = await this.writer.lock(manager, command.id, { expectedVersion: command.expectedVersion ?? undefined });
      const before = this.writer.toView(item);
      if (item.status === CatalogItemStatus.Retired) return before;
      item.status = CatalogItemStatus.Retired;
      return this.writer.save(manager, item, before, { actorId: actor.sub, action: 'retired' });
    });
  }

  /** Retired items look like they do not exist, except to admins. */
  async get(id: string, actor: Actor): Promise<CatalogItemView> {
    const item = await this.dataSource.getRepository(CatalogItem).findOneBy({ id });
    if (!item || !canSeeCatalogItem(actor, item)) throw catalogItemNotFound(id);
    return toCatalogItemView(item);
  }

  async list(query: ListCatalogItemsQuery, actor: Actor): Promise<CatalogItemPage> {
    const status = query.status ?? CatalogItemStatus.Active;
    if (!mayListCatalogItems(actor, status)) throw new RequestError(RequestErrorCode.CatalogRetiredItemsAdminsOnly, 'only admins manage the request catalog');
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
      const [name, id] = decodeCursor(query.cursor, 2, ([afterName, afterId]) => typeof afterName === 'string' && isUuid(afterId));
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
    if (!item) throw catalogItemNotFound(id, { errors: [{ field: 'itemId', message: 'no such catalog item' }] });
    if (item.status !== CatalogItemStatus.Active) {
      throw new RequestError(RequestErrorCode.CatalogItemRetired, `catalog item ${id} is retired: it takes no new requests`, { errors: [{ field: 'itemId', message: 'is retired' }] });
    }
    return item;
  }

  /** The current fulfillment group of an item (which may have changed since the request was submitted). */
  async fulfillmentGroupOf(manager: EntityManager, id: string): Promise<string> {
    const item = await manager.findOneByOrFail(CatalogItem, { id });
    return item.fulfillmentGroup;
  }

  /** Refuses a form that is not a usable JSON Schema and approval rules that do not fit their type, naming every field at once. */
  private checkDefinition(definition: { formSchema?: Record<string, unknown> | undefined; approval?: ApprovalPolicyDto | undefined }): void {
    const formErrors = definition.formSchema ? this.forms.checkSchema(definition.formSchema) : [];
    const errors = [...formErrors, ...(definition.approval ? checkApprovalPolicy(definition.approval) : [])];
    if (errors.length > 0) {
      const fields = [...new Set(errors.map((error) => error.field))];
      const reason = formErrors.length > 0 ? RequestErrorCode.CatalogInvalidFormSchema : RequestErrorCode.CatalogInvalidApprovalPolicy;
      throw new RequestError(reason, `catalog item has invalid fields: ${fields.join(', ')}`, { errors });
    }
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
  if (nulls.length > 0) throw new RequestError(RequestErrorCode.CatalogRequiredFieldCleared, 'request is not valid', { errors: nulls });
  return changes;
}

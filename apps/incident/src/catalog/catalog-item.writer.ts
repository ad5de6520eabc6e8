import { Injectable } from '@nestjs/common';
import { type CatalogItemView, type ErrorDetails, RequestError, RequestErrorCode } from '@itsm/contracts';
import { RecordWriter } from '@itsm/messaging';
import { CatalogItem, toCatalogItemView } from './catalog-item.entity';

/** No such catalog item, or a retired one the caller may not see. */
export function catalogItemNotFound(id: string, details?: ErrorDetails): RequestError {
  return new RequestError(RequestErrorCode.CatalogItemNotFound, `catalog item ${id} not found`, details);
}

/** Every change of a catalog item, audited as `catalog_item` (the catalog announces no events). */
@Injectable()
export class CatalogItemWriter extends RecordWriter<CatalogItem, CatalogItemView> {
  protected readonly entity = CatalogItem;
  protected readonly entityType = 'catalog_item';

  toView(row: CatalogItem): CatalogItemView {
    return toCatalogItemView(row);
  }

  protected label(row: CatalogItem): string {
    return `catalog item ${row.id}`;
  }

  protected notFound(id: string): RequestError {
    return catalogItemNotFound(id);
  }
}

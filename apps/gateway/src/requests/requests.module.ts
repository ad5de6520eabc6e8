import { Module } from '@nestjs/common';
import { CatalogItemsController } from '../catalog/catalog-items.controller';
import { RequestsController } from './requests.controller';

/** `/v1/requests` and `/v1/catalog/items`. */
@Module({ controllers: [RequestsController, CatalogItemsController] })
export class RequestsModule {}

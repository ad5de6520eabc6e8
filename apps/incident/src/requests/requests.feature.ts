import type { DynamicModule, Type } from '@nestjs/common';
import type { MigrationInterface } from 'typeorm';
import { CatalogItem } from '../catalog/catalog-item.entity';
import { CatalogModule } from '../catalog/catalog.module';
import { CreateRequests1795900000000 } from '../migrations/1795900000000-createRequests';
import { FulfillmentTask } from './fulfillment-task.entity';
import { RequestApproval } from './request-approval.entity';
import { RequestComment } from './request-comment.entity';
import { RequestsModule } from './requests.module';
import { ServiceRequest } from './service-request.entity';

/** Service requests and the request catalog: the parts they add to the incident service. */
export const requestsFeature: {
  entities: Array<Type>;
  migrations: Array<new () => MigrationInterface>;
  modules: Array<Type | DynamicModule>;
} = {
  entities: [CatalogItem, ServiceRequest, RequestApproval, FulfillmentTask, RequestComment],
  migrations: [CreateRequests1795900000000],
  modules: [CatalogModule, RequestsModule],
};

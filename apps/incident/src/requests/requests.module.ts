import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module';
import { RequestsHandler } from './requests.handler';
import { RequestsService } from './requests.service';
import { ServiceRequestWriter } from './service-request.writer';

@Module({
  imports: [CatalogModule],
  controllers: [RequestsHandler],
  providers: [RequestsService, ServiceRequestWriter],
})
export class RequestsModule {}

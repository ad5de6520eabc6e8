import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module';
import { RequestsHandler } from './requests.handler';
import { RequestsService } from './requests.service';

@Module({
  imports: [CatalogModule],
  controllers: [RequestsHandler],
  providers: [RequestsService],
})
export class RequestsModule {}

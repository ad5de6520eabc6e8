import { Module } from '@nestjs/common';
import { CatalogItemWriter } from './catalog-item.writer';
import { CatalogHandler } from './catalog.handler';
import { CatalogService } from './catalog.service';
import { FormSchemas } from './form-schema';

@Module({
  controllers: [CatalogHandler],
  providers: [CatalogService, CatalogItemWriter, { provide: FormSchemas, useValue: new FormSchemas() }],
  exports: [CatalogService, FormSchemas],
})
export class CatalogModule {}

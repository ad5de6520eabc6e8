import { Module } from '@nestjs/common';

/** `/v1/requests` and `/v1/catalog/items`. */
@Module({ controllers: [] })
export class RequestsModule {}

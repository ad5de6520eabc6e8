import { Module } from '@nestjs/common';

/** Ranked full-text search over the published articles a caller may see. */
@Module({})
export class SearchModule {}

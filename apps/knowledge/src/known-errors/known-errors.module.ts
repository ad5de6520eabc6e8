import { Module } from '@nestjs/common';
import { ArticlesModule } from '../articles/articles.module';
import { KnownErrorsHandler } from './known-errors.handler';
import { KnownErrorsService } from './known-errors.service';

/** Draft articles made from published known errors (durable consumer `knowledge-known-errors`). */
@Module({
  imports: [ArticlesModule],
  providers: [KnownErrorsService, KnownErrorsHandler],
})
export class KnownErrorsModule {}

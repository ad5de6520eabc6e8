import { Module } from '@nestjs/common';
import { SearchHandler } from './search.handler';
import { SearchRepository } from './search.repository';
import { SearchService } from './search.service';

/** Ranked full-text search over the published articles a caller may see, and suggestions for a text. Exports the service, whose `suggestFor` the ticket suggestions use. */
@Module({
  controllers: [SearchHandler],
  providers: [SearchRepository, SearchService],
  exports: [SearchService],
})
export class SearchModule {}

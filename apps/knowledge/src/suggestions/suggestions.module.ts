import { Module } from '@nestjs/common';
import { SearchModule } from '../search/search.module';
import { SuggestionsHandler } from './suggestions.handler';
import { SuggestionsService } from './suggestions.service';

/** Articles suggested for tickets (durable consumer `knowledge-suggestions`); suggestions for a text are the search's. */
@Module({
  imports: [SearchModule],
  providers: [SuggestionsService, SuggestionsHandler],
})
export class SuggestionsModule {}

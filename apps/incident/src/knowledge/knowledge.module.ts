import { Module } from '@nestjs/common';
import { KnowledgeSuggestionsHandler } from './knowledge-suggestions.handler';
import { KnowledgeSuggestionsService } from './knowledge-suggestions.service';

/** The incident side of knowledge management: the articles suggested for each incident, shown on its view. */
@Module({ providers: [KnowledgeSuggestionsHandler, KnowledgeSuggestionsService] })
export class KnowledgeModule {}

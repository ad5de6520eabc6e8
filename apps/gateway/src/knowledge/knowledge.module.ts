import { Module } from '@nestjs/common';
import { ArticlesController } from './articles.controller';
import { KnowledgeReportsController } from './knowledge-reports.controller';
import { KnowledgeSearchController } from './knowledge-search.controller';

@Module({ controllers: [ArticlesController, KnowledgeSearchController, KnowledgeReportsController] })
export class KnowledgeModule {}

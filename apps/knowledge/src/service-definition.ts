import type { ServiceDefinition } from '@itsm/runtime';
import { coreTablesMigration, IdempotencyKey, idempotencyKeysMigration, auditIndexesMigration } from '@itsm/persistence';
import { KnowledgeConfig } from './config';
import { ArticlesModule } from './articles/articles.module';
import { SearchModule } from './search/search.module';
import { SuggestionsModule } from './suggestions/suggestions.module';
import { FeedbackModule } from './feedback/feedback.module';
import { KnownErrorsModule } from './known-errors/known-errors.module';
import { ReportsModule } from './reports/reports.module';
import { CreateArticles1796543357542 } from './migrations/1796543357542-createArticles';
import { SearchHeads1796800000000 } from './migrations/1796800000000-searchHeads';
import { HeadIndexes1797000000000 } from './migrations/1797000000000-headIndexes';
import { ArticleVersion } from './articles/article-version.entity';
import { Article } from './articles/article.entity';
import { ArticleFeedback } from './feedback/article-feedback.entity';
import { ArticleLink } from './feedback/article-link.entity';
import { TicketSuggestion } from './suggestions/ticket-suggestion.entity';

/** The knowledge service: articles with review and versions, ranked search, suggestions for tickets, feedback. */
export const knowledgeApp: ServiceDefinition<KnowledgeConfig> = {
  name: 'knowledge',
  config: KnowledgeConfig,
  entities: [Article, ArticleVersion, ArticleFeedback, ArticleLink, TicketSuggestion, IdempotencyKey],
  migrations: [coreTablesMigration('knowledge'), idempotencyKeysMigration('knowledge'), CreateArticles1796543357542, SearchHeads1796800000000, auditIndexesMigration('knowledge'), HeadIndexes1797000000000],
  modules: [ArticlesModule, SearchModule, SuggestionsModule, FeedbackModule, KnownErrorsModule, ReportsModule],
};

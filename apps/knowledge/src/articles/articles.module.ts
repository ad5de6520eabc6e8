import { Module } from '@nestjs/common';
import { ArticleVersionsService } from './article-versions.service';
import { ArticleWriter } from './article.writer';
import { ArticlesHandler } from './articles.handler';
import { ArticlesRepository } from './articles.repository';
import { ArticlesService } from './articles.service';

/**
 * Articles: writing, reviewing, publishing and retiring them, with their versions and diffs. Exports the writer
 * (every change of an article record goes through it) and the use cases others build on: an article written inside
 * their transaction (`createWithin`, from a known error) and an article as a caller may read it (`readable`).
 */
@Module({
  controllers: [ArticlesHandler],
  providers: [ArticleWriter, ArticlesService, ArticlesRepository, ArticleVersionsService],
  exports: [ArticleWriter, ArticlesService],
})
export class ArticlesModule {}

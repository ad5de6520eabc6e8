import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { ArticleDiff, ArticleDiffRequest, ArticleVersionList, ArticleVersionView, GetArticleVersionRequest } from '@itsm/contracts';
import { articleNotFound, versionNotFound } from '../domain/access';
import { diffVersions } from '../domain/article-diff';
import { ArticleVersion } from './article-version.entity';
import { toVersionSummary, toVersionView } from './article-view';
import { Article } from './article.entity';

/** The content versions of an article (agents only: the RPC declarations say so), one of them, and what changed between two. */
@Injectable()
export class ArticleVersionsService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Every content version, oldest first. */
  async list(id: string): Promise<ArticleVersionList> {
    await this.assertExists(id);
    const versions = await this.dataSource.getRepository(ArticleVersion).find({ where: { articleId: id }, order: { number: 'ASC' } });
    return { items: versions.map(toVersionSummary) };
  }

  async get(request: GetArticleVersionRequest): Promise<ArticleVersionView> {
    return toVersionView(await this.version(request.id, request.version));
  }

  /** A line diff of the bodies and a word diff of the titles, from version `from` to version `to`. */
  async diff(request: ArticleDiffRequest): Promise<ArticleDiff> {
    const from = await this.version(request.id, request.from);
    const to = await this.version(request.id, request.to);
    return { from: from.number, to: to.number, ...diffVersions(from, to) };
  }

  private async version(id: string, number: number): Promise<ArticleVersion> {
    const version = await this.dataSource.getRepository(ArticleVersion).findOneBy({ articleId: id, number });
    if (version) return version;
    await this.assertExists(id);
    throw versionNotFound(id, number);
  }

  private async assertExists(id: string): Promise<void> {
    if (!(await this.dataSource.getRepository(Article).existsBy({ id }))) throw articleNotFound(id);
  }
}

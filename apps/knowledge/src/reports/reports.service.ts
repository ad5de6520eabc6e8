import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import {
  ArticleState,
  DEFAULT_MIN_VIEWS,
  DEFAULT_MIN_VOTES,
  DEFAULT_REPORT_ROWS,
  LOW_HELPFULNESS_BELOW,
  type LowHelpfulnessQuery,
  type LowHelpfulnessReport,
  MAX_REPORT_ROWS,
  type ViewedNeverLinkedQuery,
  type ViewedNeverLinkedReport,
} from '@itsm/contracts';
import { ArticleVersion } from '../articles/article-version.entity';
import { Article } from '../articles/article.entity';
import { ArticleLink } from '../feedback/article-link.entity';

interface LowHelpfulnessSqlRow {
  article_id: string;
  number: string;
  title: string;
  owner_id: string;
  helpful_count: number;
  not_helpful_count: number;
}

interface ViewedSqlRow {
  article_id: string;
  number: string;
  title: string;
  owner_id: string;
  view_count: number;
  published_at: Date | null;
}

const fourDecimals = (value: number): number => Math.round(value * 10000) / 10000;

/** Reports on how published articles serve their readers, computed in the database from the article counters. */
@Injectable()
export class ReportsService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private table(entity: new () => object): string {
    return this.dataSource.getMetadata(entity).tablePath;
  }

  /**
   * Published articles with at least `minVotes` votes of which fewer than half were helpful, the least helpful first
   * (then the most voted, then by number), at most {@link MAX_REPORT_ROWS}. The title is the published version's.
   */
  async lowHelpfulness(query: LowHelpfulnessQuery): Promise<LowHelpfulnessReport> {
    const minVotes = query.minVotes ?? DEFAULT_MIN_VOTES;
    const rows: LowHelpfulnessSqlRow[] = await this.dataSource.query(
      `SELECT a.id AS article_id, a.number, v.title, a.owner_id, a.helpful_count, a.not_helpful_count
       FROM ${this.table(Article)} a
       JOIN ${this.table(ArticleVersion)} v ON v.article_id = a.id AND v.number = a.published_version
       WHERE a.state = $1
         AND a.helpful_count + a.not_helpful_count >= $2
         AND a.helpful_count::numeric / (a.helpful_count + a.not_helpful_count) < $3
       ORDER BY a.helpful_count::numeric / (a.helpful_count + a.not_helpful_count), a.helpful_count + a.not_helpful_count DESC, a.number
       LIMIT $4`,
      [ArticleState.Published, minVotes, LOW_HELPFULNESS_BELOW, MAX_REPORT_ROWS],
    );
    return {
      minVotes,
      items: rows.map((row) => ({
        articleId: row.article_id,
        number: row.number,
        title: row.title,
        ownerId: row.owner_id,
        helpfulCount: row.helpful_count,
        notHelpfulCount: row.not_helpful_count,
        helpfulness: fourDecimals(row.helpful_count / (row.helpful_count + row.not_helpful_count)),
      })),
    };
  }

  /** Published articles read at least `minViews` times and linked to no ticket, the most read first. */
  async viewedNeverLinked(query: ViewedNeverLinkedQuery): Promise<ViewedNeverLinkedReport> {
    const minViews = query.minViews ?? DEFAULT_MIN_VIEWS;
    const rows: ViewedSqlRow[] = await this.dataSource.query(
      `SELECT a.id AS article_id, a.number, v.title, a.owner_id, a.view_count, a.published_at
       FROM ${this.table(Article)} a
       JOIN ${this.table(ArticleVersion)} v ON v.article_id = a.id AND v.number = a.published_version
       WHERE a.state = $1
         AND a.view_count >= $2
         AND NOT EXISTS (SELECT 1 FROM ${this.table(ArticleLink)} l WHERE l.article_id = a.id)
       ORDER BY a.view_count DESC, a.number
       LIMIT $3`,
      [ArticleState.Published, minViews, query.limit ?? DEFAULT_REPORT_ROWS],
    );
    return {
      minViews,
      items: rows.map((row) => ({
        articleId: row.article_id,
        number: row.number,
        title: row.title,
        ownerId: row.owner_id,
        viewCount: row.view_count,
        publishedAt: row.published_at ? new Date(row.published_at).toISOString() : null,
      })),
    };
  }
}

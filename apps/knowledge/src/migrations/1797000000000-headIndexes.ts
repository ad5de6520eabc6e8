import type { MigrationInterface, QueryRunner } from 'typeorm';

const LANGUAGES = ['english', 'german', 'french', 'spanish', 'simple'] as const;

/**
 * One GIN index over `head` (title, tags and summary) of the published versions per language, beside the one over
 * the whole vector: a search takes its pool from the articles whose head matches first (a few thousand for a common
 * word, where the whole vector matches most of the corpus), and reads the body-only matches only when those are too
 * few. Each arm `language = … AND head @@ …` is implied by its partial index, so no head is tested twice.
 */
export class HeadIndexes1797000000000 implements MigrationInterface {
  name = 'HeadIndexes1797000000000';

  async up(runner: QueryRunner): Promise<void> {
    for (const language of LANGUAGES) {
      await runner.query(
        `CREATE INDEX "article_versions_head_${language}_idx" ON "knowledge"."article_versions" USING gin ("head") WHERE state = 'published' AND language = '${language}'`,
      );
    }
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const language of [...LANGUAGES].reverse()) await runner.query(`DROP INDEX "knowledge"."article_versions_head_${language}_idx"`);
  }
}

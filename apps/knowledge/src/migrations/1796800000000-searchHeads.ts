import type { MigrationInterface, QueryRunner } from 'typeorm';

const LANGUAGES = ['english', 'german', 'french', 'spanish', 'simple'] as const;
/** Short columns every match reads (title similarity, filters): kept inline, never moved to TOAST. */
const INLINE = ['title', 'category', 'tags', 'service_ids', 'ci_ids'] as const;

/**
 * Search reads fewer bytes per match:
 * - `head`, the vector of title (A), tags (B) and summary (C) only, kept by the search trigger beside `search`
 *   (which adds the body, D). A search ranks every match by `head` first, and only the best of them by `search`.
 * - The full-text GIN index is split per language, so that each arm of a search (`language = … AND search @@ …`)
 *   is implied by its index and no match has its vector read again to be checked.
 * - Rows keep only their short columns inline (`toast_tuple_target` 128; `head` and the columns in INLINE stay
 *   inline): the bodies, their HTML and the full vector move to TOAST, so reading thousands of matches reads a few
 *   megabytes, and a filter on tags or services reads no TOAST.
 * The backfill rewrites every version once (the trigger computes `head`), which also moves the long columns out.
 */
export class SearchHeads1796800000000 implements MigrationInterface {
  name = 'SearchHeads1796800000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE "knowledge"."article_versions" ADD "head" tsvector NOT NULL DEFAULT ''`);
    await runner.query(`ALTER TABLE "knowledge"."article_versions" ALTER COLUMN "head" SET STORAGE MAIN, ${INLINE.map((column) => `ALTER COLUMN "${column}" SET STORAGE MAIN`).join(', ')}`);
    await runner.query(`ALTER TABLE "knowledge"."article_versions" SET (toast_tuple_target = 128)`);
    await runner.query(
      `CREATE OR REPLACE FUNCTION "knowledge"."article_versions_search"() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         NEW.head :=
           setweight(to_tsvector(NEW.language::regconfig, NEW.title), 'A') ||
           setweight(to_tsvector(NEW.language::regconfig, array_to_string(NEW.tags, ' ')), 'B') ||
           setweight(to_tsvector(NEW.language::regconfig, NEW.summary), 'C');
         NEW.search := NEW.head || setweight(to_tsvector(NEW.language::regconfig, NEW.body), 'D');
         RETURN NEW;
       END $$`,
    );
    await runner.query(`UPDATE "knowledge"."article_versions" SET "title" = "title"`);
    await runner.query(`DROP INDEX "knowledge"."article_versions_search_idx"`);
    for (const language of LANGUAGES) {
      await runner.query(
        `CREATE INDEX "article_versions_search_${language}_idx" ON "knowledge"."article_versions" USING gin ("search") WHERE state = 'published' AND language = '${language}'`,
      );
    }
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const language of [...LANGUAGES].reverse()) await runner.query(`DROP INDEX "knowledge"."article_versions_search_${language}_idx"`);
    await runner.query(`CREATE INDEX "article_versions_search_idx" ON "knowledge"."article_versions" USING gin ("search") WHERE state = 'published'`);
    await runner.query(
      `CREATE OR REPLACE FUNCTION "knowledge"."article_versions_search"() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         NEW.search :=
           setweight(to_tsvector(NEW.language::regconfig, NEW.title), 'A') ||
           setweight(to_tsvector(NEW.language::regconfig, array_to_string(NEW.tags, ' ')), 'B') ||
           setweight(to_tsvector(NEW.language::regconfig, NEW.summary), 'C') ||
           setweight(to_tsvector(NEW.language::regconfig, NEW.body), 'D');
         RETURN NEW;
       END $$`,
    );
    await runner.query(`ALTER TABLE "knowledge"."article_versions" RESET (toast_tuple_target)`);
    await runner.query(`ALTER TABLE "knowledge"."article_versions" ${INLINE.map((column) => `ALTER COLUMN "${column}" SET STORAGE EXTENDED`).join(', ')}`);
    await runner.query(`ALTER TABLE "knowledge"."article_versions" DROP COLUMN "head"`);
  }
}

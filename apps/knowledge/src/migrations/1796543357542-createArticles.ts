import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateArticles1796543357542 implements MigrationInterface {
  name = 'CreateArticles1796543357542';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE "knowledge"."article_versions" ("article_id" uuid NOT NULL, "number" integer NOT NULL, "state" text NOT NULL, "title" text NOT NULL, "body" text NOT NULL, "body_html" text NOT NULL, "summary" text NOT NULL DEFAULT '', "category" text, "tags" text array NOT NULL DEFAULT '{}', "service_ids" uuid array NOT NULL DEFAULT '{}', "ci_ids" uuid array NOT NULL DEFAULT '{}', "audience" text NOT NULL, "language" text NOT NULL, "author_id" text NOT NULL, "reviewed_by_id" text, "review_comment" text, "submitted_at" TIMESTAMP WITH TIME ZONE, "published_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "article_versions_language_check" CHECK (language IN ('english', 'german', 'french', 'spanish', 'simple')), CONSTRAINT "article_versions_audience_check" CHECK (audience IN ('public', 'internal')), CONSTRAINT "article_versions_state_check" CHECK (state IN ('draft', 'in_review', 'published', 'superseded', 'retired')), CONSTRAINT "article_versions_pkey" PRIMARY KEY ("article_id", "number"))`);
    await runner.query(`CREATE INDEX "article_versions_published_idx" ON "knowledge"."article_versions" ("state") WHERE state = 'published'`);
    await runner.query(`CREATE TABLE "knowledge"."articles" ("id" uuid NOT NULL, "number" text NOT NULL, "state" text NOT NULL, "owner_id" text NOT NULL, "latest_version" integer NOT NULL, "published_version" integer, "review_by" TIMESTAMP WITH TIME ZONE, "problem_id" uuid, "known_error_id" uuid, "flagged" boolean NOT NULL DEFAULT false, "flag_reason" text, "helpful_count" integer NOT NULL DEFAULT '0', "not_helpful_count" integer NOT NULL DEFAULT '0', "view_count" integer NOT NULL DEFAULT '0', "link_count" integer NOT NULL DEFAULT '0', "published_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "version" integer NOT NULL, CONSTRAINT "articles_number_key" UNIQUE ("number"), CONSTRAINT "articles_state_check" CHECK (state IN ('draft', 'in_review', 'published', 'retired')), CONSTRAINT "articles_pkey" PRIMARY KEY ("id"))`);
    await runner.query(`CREATE INDEX "articles_review_by_idx" ON "knowledge"."articles" ("review_by")`);
    await runner.query(`CREATE INDEX "articles_owner_idx" ON "knowledge"."articles" ("owner_id", "state")`);
    await runner.query(`CREATE INDEX "articles_state_idx" ON "knowledge"."articles" ("state", "updated_at")`);
    await runner.query(`CREATE TABLE "knowledge"."article_feedback" ("article_id" uuid NOT NULL, "article_version" integer NOT NULL, "user_id" text NOT NULL, "helpful" boolean NOT NULL, "comment" text, "at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "article_feedback_pkey" PRIMARY KEY ("article_id", "article_version", "user_id"))`);
    await runner.query(`CREATE TABLE "knowledge"."article_links" ("article_id" uuid NOT NULL, "ticket_id" uuid NOT NULL, "ticket_type" text NOT NULL, "linked_by_id" text NOT NULL, "linked_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "article_links_pkey" PRIMARY KEY ("article_id", "ticket_id"))`);
    await runner.query(`CREATE INDEX "article_links_ticket_idx" ON "knowledge"."article_links" ("ticket_id")`);
    await runner.query(`CREATE TABLE "knowledge"."ticket_suggestions" ("ticket_id" uuid NOT NULL, "ticket_type" text NOT NULL, "ticket_version" integer NOT NULL, "article_ids" uuid array NOT NULL DEFAULT '{}', "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "ticket_suggestions_pkey" PRIMARY KEY ("ticket_id"))`);
    // Human numbers KB0001001, KB0001002, …
    await runner.query(`CREATE SEQUENCE "knowledge"."article_number_seq" START WITH 1001`);
    // One article per known error, whichever replica or redelivery makes it.
    await runner.query(`CREATE UNIQUE INDEX "articles_known_error_key" ON "knowledge"."articles" ("known_error_id") WHERE known_error_id IS NOT NULL`);
    // Typo tolerance: trigram similarity of titles (pg_trgm is a trusted extension; it lives in this schema).
    await runner.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA "knowledge"`);
    await runner.query(`ALTER TABLE "knowledge"."article_versions" ADD "search" tsvector NOT NULL`);
    // The search vector in the version's own language: title (A) > tags (B) > summary (C) > body (D).
    await runner.query(
      `CREATE FUNCTION "knowledge"."article_versions_search"() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         NEW.search :=
           setweight(to_tsvector(NEW.language::regconfig, NEW.title), 'A') ||
           setweight(to_tsvector(NEW.language::regconfig, array_to_string(NEW.tags, ' ')), 'B') ||
           setweight(to_tsvector(NEW.language::regconfig, NEW.summary), 'C') ||
           setweight(to_tsvector(NEW.language::regconfig, NEW.body), 'D');
         RETURN NEW;
       END $$`,
    );
    await runner.query(
      `CREATE TRIGGER "article_versions_search" BEFORE INSERT OR UPDATE OF title, tags, summary, body, language ON "knowledge"."article_versions" FOR EACH ROW EXECUTE FUNCTION "knowledge"."article_versions_search"()`,
    );
    await runner.query(`CREATE INDEX "article_versions_search_idx" ON "knowledge"."article_versions" USING gin ("search") WHERE state = 'published'`);
    await runner.query(`CREATE INDEX "article_versions_title_trgm_idx" ON "knowledge"."article_versions" USING gin (lower(title) "knowledge".gin_trgm_ops) WHERE state = 'published'`);
    await runner.query(`CREATE INDEX "article_versions_ci_ids_idx" ON "knowledge"."article_versions" USING gin ("ci_ids")`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX "knowledge"."article_versions_ci_ids_idx"`);
    await runner.query(`DROP INDEX "knowledge"."article_versions_title_trgm_idx"`);
    await runner.query(`DROP INDEX "knowledge"."article_versions_search_idx"`);
    await runner.query(`DROP TRIGGER "article_versions_search" ON "knowledge"."article_versions"`);
    await runner.query(`DROP FUNCTION "knowledge"."article_versions_search"()`);
    await runner.query(`ALTER TABLE "knowledge"."article_versions" DROP COLUMN "search"`);
    await runner.query(`DROP EXTENSION IF EXISTS pg_trgm`);
    await runner.query(`DROP INDEX "knowledge"."articles_known_error_key"`);
    await runner.query(`DROP SEQUENCE "knowledge"."article_number_seq"`);
    await runner.query(`DROP TABLE "knowledge"."ticket_suggestions"`);
    await runner.query(`DROP INDEX "knowledge"."article_links_ticket_idx"`);
    await runner.query(`DROP TABLE "knowledge"."article_links"`);
    await runner.query(`DROP TABLE "knowledge"."article_feedback"`);
    await runner.query(`DROP INDEX "knowledge"."articles_state_idx"`);
    await runner.query(`DROP INDEX "knowledge"."articles_owner_idx"`);
    await runner.query(`DROP INDEX "knowledge"."articles_review_by_idx"`);
    await runner.query(`DROP TABLE "knowledge"."articles"`);
    await runner.query(`DROP INDEX "knowledge"."article_versions_published_idx"`);
    await runner.query(`DROP TABLE "knowledge"."article_versions"`);
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

export class KnowledgeSuggestions1796543654271 implements MigrationInterface {
  name = 'KnowledgeSuggestions1796543654271';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE "incident"."incidents" ADD "suggested_articles" jsonb NOT NULL DEFAULT '[]'`);
    await runner.query(`ALTER TABLE "incident"."incidents" ADD "suggestions_version" integer`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE "incident"."incidents" DROP COLUMN "suggestions_version"`);
    await runner.query(`ALTER TABLE "incident"."incidents" DROP COLUMN "suggested_articles"`);
  }
}

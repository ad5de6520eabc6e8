import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Tables of the CMDB: classes, CIs, relationships and their rules, reconciliation rules, import runs. */
export class CreateCmdb1795459225481 implements MigrationInterface {
  name = 'CreateCmdb1795459225481';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE "cmdb"."ci_classes" ("name" text NOT NULL, "label" text NOT NULL, "description" text, "attribute_schema" jsonb NOT NULL, "identification_rules" jsonb NOT NULL, "built_in" boolean NOT NULL DEFAULT false, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "version" integer NOT NULL, CONSTRAINT "ci_classes_pkey" PRIMARY KEY ("name"))`);
    await runner.query(`CREATE TABLE "cmdb"."cis" ("id" uuid NOT NULL, "class_name" text NOT NULL, "name" text NOT NULL, "attributes" jsonb NOT NULL DEFAULT '{}', "environment" text NOT NULL, "status" text NOT NULL, "criticality" smallint NOT NULL, "owner_group" text, "identifiers" jsonb NOT NULL DEFAULT '{}', "attribute_sources" jsonb NOT NULL DEFAULT '{}', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "retired_at" TIMESTAMP WITH TIME ZONE, "version" integer NOT NULL, CONSTRAINT "cis_status_check" CHECK (status IN ('planned', 'operational', 'maintenance', 'retired')), CONSTRAINT "cis_criticality_check" CHECK (criticality BETWEEN 1 AND 4), CONSTRAINT "cis_pkey" PRIMARY KEY ("id"))`);
    await runner.query(`CREATE INDEX "cis_environment_idx" ON "cmdb"."cis" ("environment", "status")`);
    await runner.query(`CREATE INDEX "cis_class_idx" ON "cmdb"."cis" ("class_name", "name")`);
    await runner.query(`CREATE TABLE "cmdb"."import_runs" ("id" uuid NOT NULL, "source" text NOT NULL, "kind" text NOT NULL, "scope" text, "actor_id" text NOT NULL, "started_at" TIMESTAMP WITH TIME ZONE NOT NULL, "finished_at" TIMESTAMP WITH TIME ZONE, "counts" jsonb, CONSTRAINT "import_runs_pkey" PRIMARY KEY ("id"))`);
    await runner.query(`CREATE INDEX "import_runs_source_idx" ON "cmdb"."import_runs" ("source", "started_at")`);
    await runner.query(`CREATE TABLE "cmdb"."reconciliation_rules" ("id" uuid NOT NULL, "position" integer NOT NULL, "class_name" text, "fields" text array, "sources" text array NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "version" integer NOT NULL, CONSTRAINT "reconciliation_rules_pkey" PRIMARY KEY ("id"))`);
    await runner.query(`CREATE INDEX "reconciliation_rules_position_idx" ON "cmdb"."reconciliation_rules" ("position")`);
    await runner.query(`CREATE TABLE "cmdb"."relationship_rules" ("id" uuid NOT NULL, "type" text NOT NULL, "source_class" text NOT NULL, "target_class" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "relationship_rules_key" UNIQUE ("type", "source_class", "target_class"), CONSTRAINT "relationship_rules_pkey" PRIMARY KEY ("id"))`);
    await runner.query(`CREATE TABLE "cmdb"."ci_relationships" ("id" uuid NOT NULL, "type" text NOT NULL, "source_id" uuid NOT NULL, "target_id" uuid NOT NULL, "data_source" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "ci_relationships_edge_key" UNIQUE ("type", "source_id", "target_id"), CONSTRAINT "ci_relationships_no_self_check" CHECK (source_id <> target_id), CONSTRAINT "ci_relationships_pkey" PRIMARY KEY ("id"))`);
    await runner.query(`CREATE INDEX "ci_relationships_target_idx" ON "cmdb"."ci_relationships" ("target_id", "source_id")`);
    await runner.query(`CREATE INDEX "ci_relationships_source_idx" ON "cmdb"."ci_relationships" ("source_id", "target_id")`);
    // Indexes TypeORM cannot describe (declared with synchronize: false on the entity): identification looks CIs
    // up by identifier (jsonb containment), lists filter by attribute values and search names, and two imports
    // can never create the same Kubernetes object twice.
    await runner.query(`CREATE INDEX "cis_identifiers_idx" ON "cmdb"."cis" USING gin ("identifiers" jsonb_path_ops)`);
    await runner.query(`CREATE INDEX "cis_attributes_idx" ON "cmdb"."cis" USING gin ("attributes" jsonb_path_ops)`);
    await runner.query(`CREATE INDEX "cis_name_idx" ON "cmdb"."cis" (lower("name") text_pattern_ops)`);
    await runner.query(`CREATE UNIQUE INDEX "cis_k8s_uid_key" ON "cmdb"."cis" (("identifiers" ->> 'k8sUid')) WHERE "identifiers" ? 'k8sUid'`);
    await runner.query(`ALTER TABLE "cmdb"."cis" ADD CONSTRAINT "cis_class_fkey" FOREIGN KEY ("class_name") REFERENCES "cmdb"."ci_classes"("name") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await runner.query(`ALTER TABLE "cmdb"."ci_relationships" ADD CONSTRAINT "ci_relationships_source_fkey" FOREIGN KEY ("source_id") REFERENCES "cmdb"."cis"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
    await runner.query(`ALTER TABLE "cmdb"."ci_relationships" ADD CONSTRAINT "ci_relationships_target_fkey" FOREIGN KEY ("target_id") REFERENCES "cmdb"."cis"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE "cmdb"."ci_relationships" DROP CONSTRAINT "ci_relationships_target_fkey"`);
    await runner.query(`ALTER TABLE "cmdb"."ci_relationships" DROP CONSTRAINT "ci_relationships_source_fkey"`);
    await runner.query(`ALTER TABLE "cmdb"."cis" DROP CONSTRAINT "cis_class_fkey"`);
    await runner.query(`DROP INDEX "cmdb"."ci_relationships_source_idx"`);
    await runner.query(`DROP INDEX "cmdb"."ci_relationships_target_idx"`);
    await runner.query(`DROP TABLE "cmdb"."ci_relationships"`);
    await runner.query(`DROP TABLE "cmdb"."relationship_rules"`);
    await runner.query(`DROP INDEX "cmdb"."reconciliation_rules_position_idx"`);
    await runner.query(`DROP TABLE "cmdb"."reconciliation_rules"`);
    await runner.query(`DROP INDEX "cmdb"."import_runs_source_idx"`);
    await runner.query(`DROP TABLE "cmdb"."import_runs"`);
    for (const index of ['cis_identifiers_idx', 'cis_attributes_idx', 'cis_name_idx', 'cis_k8s_uid_key']) await runner.query(`DROP INDEX "cmdb"."${index}"`);
    await runner.query(`DROP INDEX "cmdb"."cis_class_idx"`);
    await runner.query(`DROP INDEX "cmdb"."cis_environment_idx"`);
    await runner.query(`DROP TABLE "cmdb"."cis"`);
    await runner.query(`DROP TABLE "cmdb"."ci_classes"`);
  }
}

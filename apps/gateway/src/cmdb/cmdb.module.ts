import { Module } from '@nestjs/common';
import { CiClassesController } from './ci-classes.controller';
import { CisController } from './cis.controller';
import { ImpactController } from './impact.controller';
import { ImportsController } from './imports.controller';
import { RelationshipsController } from './relationships.controller';

/** The CMDB's routes; each maps to an RPC of the cmdb service. */
@Module({ controllers: [CisController, CiClassesController, RelationshipsController, ImpactController, ImportsController] })
export class CmdbModule {}

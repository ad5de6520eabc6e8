import { Module } from '@nestjs/common';
import { CisController } from './cis.controller';
import { ImpactController } from './impact.controller';
import { ImportsController } from './imports.controller';

/** The CMDB's routes; each maps to an RPC of the cmdb service. */
@Module({ controllers: [CisController, ImpactController, ImportsController] })
export class CmdbModule {}

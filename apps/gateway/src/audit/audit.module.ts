import { Module } from '@nestjs/common';
import { AuditController } from './audit.controller';
import { AuditTrailService } from './audit-trail.service';

/** The audit trail across services. */
@Module({ controllers: [AuditController], providers: [AuditTrailService] })
export class AuditModule {}

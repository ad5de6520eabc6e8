import { Module } from '@nestjs/common';

/** Approvals of changes: policies, votes and delegation. */
@Module({})
export class ApprovalsModule {}

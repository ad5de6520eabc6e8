import { Module } from '@nestjs/common';

/** The schedule check (conflicts with other changes and windows), the change calendar and the deployment gate. */
@Module({})
export class ScheduleModule {}

import { Module } from '@nestjs/common';

/** Blackout and maintenance windows. */
@Module({})
export class WindowsModule {}

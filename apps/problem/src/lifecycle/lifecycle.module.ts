import { Module } from '@nestjs/common';

/** The states of a problem and the moves between them. */
@Module({})
export class LifecycleModule {}

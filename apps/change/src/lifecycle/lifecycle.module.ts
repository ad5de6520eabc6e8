import { Module } from '@nestjs/common';

/** The states of a change, risk assessment and the moves between states. */
@Module({})
export class LifecycleModule {}

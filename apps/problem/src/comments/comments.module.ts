import { Module } from '@nestjs/common';

/** Comments and work notes of problems. */
@Module({})
export class CommentsModule {}

import { Module } from '@nestjs/common';

/** Draft articles made from published known errors. */
@Module({})
export class KnownErrorsModule {}

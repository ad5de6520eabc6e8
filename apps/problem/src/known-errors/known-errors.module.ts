import { Module } from '@nestjs/common';

/** Known errors: publishing, retiring and searching them. */
@Module({})
export class KnownErrorsModule {}

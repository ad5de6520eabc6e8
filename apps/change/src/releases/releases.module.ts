import { Module } from '@nestjs/common';

/** Releases: changes deployed together. */
@Module({})
export class ReleasesModule {}

import { Module } from '@nestjs/common';

/** Articles: writing, reviewing, publishing and retiring them, with their versions and diffs. */
@Module({})
export class ArticlesModule {}

import { Module } from '@nestjs/common';

/** Articles suggested for tickets and for text being typed. */
@Module({})
export class SuggestionsModule {}

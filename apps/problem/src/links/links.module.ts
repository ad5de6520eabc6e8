import { Module } from '@nestjs/common';

/** Incidents linked to problems. */
@Module({})
export class LinksModule {}

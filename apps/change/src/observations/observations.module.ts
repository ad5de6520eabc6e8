import { Module } from '@nestjs/common';

/** Incidents as the change reports see them, kept from the incident events. */
@Module({})
export class ObservationsModule {}

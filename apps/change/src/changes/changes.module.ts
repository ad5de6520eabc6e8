import { Module } from '@nestjs/common';

/** Change requests: opening, reading, changing and listing them, and their history. */
@Module({})
export class ChangesModule {}

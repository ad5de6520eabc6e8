import { Module } from '@nestjs/common';

/** Standard change templates. */
@Module({})
export class TemplatesModule {}

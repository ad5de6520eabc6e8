import { Module } from '@nestjs/common';

/** Detection of recurring incidents: rules, observations and candidate problems. */
@Module({})
export class DetectionModule {}

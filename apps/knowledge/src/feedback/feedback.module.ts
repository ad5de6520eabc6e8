import { Module } from '@nestjs/common';

/** Helpful votes, views and links of articles to tickets. */
@Module({})
export class FeedbackModule {}

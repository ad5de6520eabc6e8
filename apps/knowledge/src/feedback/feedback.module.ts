import { Module } from '@nestjs/common';
import { ArticlesModule } from '../articles/articles.module';
import { FeedbackHandler } from './feedback.handler';
import { FeedbackService } from './feedback.service';

/** Helpful votes and links of articles to tickets (views are counted where articles are read). */
@Module({
  imports: [ArticlesModule],
  controllers: [FeedbackHandler],
  providers: [FeedbackService],
})
export class FeedbackModule {}

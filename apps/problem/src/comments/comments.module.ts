import { Module } from '@nestjs/common';
import { ProblemsModule } from '../problems/problems.module';
import { CommentsHandler } from './comments.handler';
import { CommentsService } from './comments.service';

/** Comments and work notes of problems. */
@Module({
  imports: [ProblemsModule],
  controllers: [CommentsHandler],
  providers: [CommentsService],
})
export class CommentsModule {}

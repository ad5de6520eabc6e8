import { Module } from '@nestjs/common';
import { IncidentsModule } from '../incidents/incidents.module';
import { CommentsHandler } from './comments.handler';
import { CommentsService } from './comments.service';

/** Comments (the caller sees them) and work notes (agents only) on incidents. */
@Module({
  imports: [IncidentsModule],
  controllers: [CommentsHandler],
  providers: [CommentsService],
  exports: [CommentsService],
})
export class CommentsModule {}

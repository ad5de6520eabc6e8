import { Module } from '@nestjs/common';
import { ProblemsModule } from '../problems/problems.module';
import { LinksHandler } from './links.handler';
import { LinksService } from './links.service';

/** Incidents linked to problems. Exports `LinksService`, whose `linkWithin` links inside a caller's transaction (detection uses it). */
@Module({
  imports: [ProblemsModule],
  controllers: [LinksHandler],
  providers: [LinksService],
  exports: [LinksService],
})
export class LinksModule {}

import { Module } from '@nestjs/common';
import { CommentsModule } from '../comments/comments.module';
import { IncidentsModule } from '../incidents/incidents.module';
import { LifecycleModule } from '../lifecycle/lifecycle.module';
import { ProblemsHandler } from './problems.handler';
import { ProblemsService } from './problems.service';

/** The incident side of problem management: the link to a problem, and what a problem's resolution does to its incidents. */
@Module({
  imports: [IncidentsModule, CommentsModule, LifecycleModule],
  providers: [ProblemsHandler, ProblemsService],
})
export class ProblemsModule {}

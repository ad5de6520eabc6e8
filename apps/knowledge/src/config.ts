import { Type } from 'class-transformer';
import { IsInt, Matches, Max, Min } from 'class-validator';
import { ServiceConfig } from '@itsm/runtime';

export class KnowledgeConfig extends ServiceConfig {
  override HEALTH_PORT = 3106;

  /** Members of this group (besides managers and admins) review articles; nobody approves their own. */
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, { message: 'must be a group name' })
  KNOWLEDGE_REVIEWER_GROUP = 'knowledge-reviewers';

  /** Articles suggested for a ticket or a text. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(20)
  KNOWLEDGE_SUGGESTION_COUNT = 5;
}

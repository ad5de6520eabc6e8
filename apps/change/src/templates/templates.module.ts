import { Module } from '@nestjs/common';
import { ChangeTemplateWriter } from './change-template.writer';
import { TemplatesHandler } from './templates.handler';
import { TemplatesService } from './templates.service';

/** Standard change templates: pre-approved plans, the CI classes they may touch and how long they may take. */
@Module({
  controllers: [TemplatesHandler],
  providers: [ChangeTemplateWriter, TemplatesService],
  exports: [ChangeTemplateWriter],
})
export class TemplatesModule {}

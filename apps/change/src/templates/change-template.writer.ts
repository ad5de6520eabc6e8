import { Injectable } from '@nestjs/common';
import { ChangeError, ChangeErrorCode, type ChangeTemplateView } from '@itsm/contracts';
import { RecordWriter } from '@itsm/messaging';
import { ChangeTemplate, toChangeTemplateView } from './change-template.entity';

export function templateNotFound(id: string): ChangeError {
  return new ChangeError(ChangeErrorCode.TemplateNotFound, `change template ${id} not found`);
}

/** Every change of a standard change template is written here, with its audit row (templates announce no events). */
@Injectable()
export class ChangeTemplateWriter extends RecordWriter<ChangeTemplate, ChangeTemplateView> {
  protected readonly entity = ChangeTemplate;
  protected readonly entityType = 'change_template';

  toView(template: ChangeTemplate): ChangeTemplateView {
    return toChangeTemplateView(template);
  }

  protected label(template: ChangeTemplate): string {
    return `change template ${template.name}`;
  }

  protected notFound(id: string): ChangeError {
    return templateNotFound(id);
  }
}

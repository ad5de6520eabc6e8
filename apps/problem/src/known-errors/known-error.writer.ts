import { Injectable } from '@nestjs/common';
import { type KnownErrorView, ProblemError, ProblemErrorCode } from '@itsm/contracts';
import { RecordWriter } from '@itsm/messaging';
import { KnownError, toKnownErrorView } from './known-error.entity';

export function knownErrorNotFound(id: string): ProblemError {
  return new ProblemError(ProblemErrorCode.KnownErrorNotFound, `known error ${id} not found`);
}

/**
 * Every change of a known error is written here, with its audit row, in the caller's transaction. Its events are
 * the problem's (`known_error_published`, `known_error_retired`): the problem writer announces them with the
 * problem's own change, so they are ordered with the problem's other events.
 */
@Injectable()
export class KnownErrorWriter extends RecordWriter<KnownError, KnownErrorView> {
  protected readonly entity = KnownError;
  protected readonly entityType = 'known_error';

  toView(knownError: KnownError): KnownErrorView {
    return toKnownErrorView(knownError);
  }

  protected label(knownError: KnownError): string {
    return `known error ${knownError.number}`;
  }

  protected notFound(id: string): ProblemError {
    return knownErrorNotFound(id);
  }
}

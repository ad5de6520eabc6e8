import { Injectable } from '@nestjs/common';
import { ChangeError, ChangeErrorCode, type ReleaseView } from '@itsm/contracts';
import { RecordWriter } from '@itsm/messaging';
import { Release, toReleaseView } from './release.entity';

export function releaseNotFound(id: string): ChangeError {
  return new ChangeError(ChangeErrorCode.ReleaseNotFound, `release ${id} not found`);
}

/** Every change of a release is written here: row lock, `If-Match`, version bump, audit row and events, in the caller's transaction. */
@Injectable()
export class ReleaseWriter extends RecordWriter<Release, ReleaseView> {
  protected readonly entity = Release;
  protected readonly entityType = 'release';

  toView(release: Release): ReleaseView {
    return toReleaseView(release);
  }

  protected label(release: Release): string {
    return `release ${release.number}`;
  }

  protected notFound(id: string): ChangeError {
    return releaseNotFound(id);
  }
}

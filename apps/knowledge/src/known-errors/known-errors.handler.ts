import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { type EventOf, ProblemEvents } from '@itsm/contracts';
import { OnEvent } from '@itsm/messaging';
import { KnownErrorsService } from './known-errors.service';

const PURPOSE = 'known-errors';

/** Durable consumer `knowledge-known-errors`: published known errors become draft articles; retired ones flag them. */
@Injectable()
export class KnownErrorsHandler {
  constructor(private readonly knownErrors: KnownErrorsService) {}

  @OnEvent(PURPOSE, ProblemEvents.knownErrorPublished)
  async onPublished(event: EventOf<typeof ProblemEvents.knownErrorPublished>, manager: EntityManager): Promise<void> {
    await this.knownErrors.draftFrom(manager, event.data.knownError);
  }

  @OnEvent(PURPOSE, ProblemEvents.knownErrorRetired)
  async onRetired(event: EventOf<typeof ProblemEvents.knownErrorRetired>, manager: EntityManager): Promise<void> {
    await this.knownErrors.flagRetired(manager, event.data.knownError);
  }
}

import { Injectable } from '@nestjs/common';
import { type BlackoutWindowView, ChangeError, ChangeErrorCode } from '@itsm/contracts';
import { RecordWriter } from '@itsm/messaging';
import { BlackoutWindow, toBlackoutWindowView } from './blackout-window.entity';

export function blackoutNotFound(id: string): ChangeError {
  return new ChangeError(ChangeErrorCode.BlackoutNotFound, `blackout window ${id} not found`);
}

/** Every change of a blackout window is written here, with its audit row (windows announce no events). */
@Injectable()
export class BlackoutWindowWriter extends RecordWriter<BlackoutWindow, BlackoutWindowView> {
  protected readonly entity = BlackoutWindow;
  protected readonly entityType = 'blackout_window';

  toView(window: BlackoutWindow): BlackoutWindowView {
    return toBlackoutWindowView(window);
  }

  protected label(window: BlackoutWindow): string {
    return `blackout window ${window.name}`;
  }

  protected notFound(id: string): ChangeError {
    return blackoutNotFound(id);
  }
}

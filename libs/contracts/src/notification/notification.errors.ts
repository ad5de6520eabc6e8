import { DomainError, ErrorCode, type ErrorDetails, type ErrorKinds } from '../errors';

/** What the notification domain refuses (subscriptions, contacts and deliveries): the `reason` of its error replies and problems. */
export enum NotificationErrorCode {
  NotFound = 'NOTIFICATION_NOT_FOUND',
}

/** The kind, and so the HTTP status, of each code: declared once, here. */
export const NOTIFICATION_ERROR_KINDS: ErrorKinds<NotificationErrorCode> = {
  [NotificationErrorCode.NotFound]: ErrorCode.NOT_FOUND,
};

export class NotificationError extends DomainError {
  constructor(reason: NotificationErrorCode, message: string, details?: ErrorDetails) {
    super(NOTIFICATION_ERROR_KINDS[reason], message, details, reason);
    this.name = 'NotificationError';
  }
}

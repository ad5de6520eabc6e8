import { ErrorCode, errorOfCodes, type ErrorKinds } from '../errors';

/** What the notification domain refuses (subscriptions, contacts and deliveries): the `reason` of its error replies and problems. */
export enum NotificationErrorCode {
  /** No such subscription, or one the caller may not see (another agent's looks exactly like one that does not exist). */
  SubscriptionNotFound = 'NOTIFICATION_SUBSCRIPTION_NOT_FOUND',
  /** The caller may read the subscription but not change it: only its owner and admins do. */
  SubscriptionNotYours = 'NOTIFICATION_SUBSCRIPTION_NOT_YOURS',
  /** An event type pattern that is malformed, matches no declared event, or names the service's own delivery events. */
  InvalidEventPattern = 'NOTIFICATION_INVALID_EVENT_PATTERN',
  /** A webhook URL the address guard refuses: not http(s), with credentials, unresolvable, or reaching an internal address. */
  TargetRefused = 'NOTIFICATION_TARGET_REFUSED',
  /** A target that does not fit the channel: a webhook without a URL, email without recipients, an address on a looked-up recipient. */
  InvalidTarget = 'NOTIFICATION_INVALID_TARGET',
  /** A template that does not parse, or names a field no subscribed event has. */
  InvalidTemplate = 'NOTIFICATION_INVALID_TEMPLATE',
  /** A subscription with problems of more than one of the kinds above; `details.errors` names each field. */
  InvalidSubscription = 'NOTIFICATION_INVALID_SUBSCRIPTION',
  /** A subscription keeps the channel it was created with. */
  ChannelFixed = 'NOTIFICATION_CHANNEL_FIXED',
  /** Secret rotation of an email subscription: only webhooks are signed. */
  EmailHasNoSecret = 'NOTIFICATION_EMAIL_HAS_NO_SECRET',
  /** No such delivery, or one of a subscription the caller may not see. */
  DeliveryNotFound = 'NOTIFICATION_DELIVERY_NOT_FOUND',
  /** No contact for that `sub` in the directory. */
  ContactNotFound = 'NOTIFICATION_CONTACT_NOT_FOUND',
}

/** The kind, and so the HTTP status, of each code: declared once, here. */
export const NOTIFICATION_ERROR_KINDS: ErrorKinds<NotificationErrorCode> = {
  [NotificationErrorCode.SubscriptionNotFound]: ErrorCode.NOT_FOUND,
  [NotificationErrorCode.SubscriptionNotYours]: ErrorCode.FORBIDDEN,
  [NotificationErrorCode.InvalidEventPattern]: ErrorCode.VALIDATION,
  [NotificationErrorCode.TargetRefused]: ErrorCode.VALIDATION,
  [NotificationErrorCode.InvalidTarget]: ErrorCode.VALIDATION,
  [NotificationErrorCode.InvalidTemplate]: ErrorCode.VALIDATION,
  [NotificationErrorCode.InvalidSubscription]: ErrorCode.VALIDATION,
  [NotificationErrorCode.ChannelFixed]: ErrorCode.CONFLICT,
  [NotificationErrorCode.EmailHasNoSecret]: ErrorCode.CONFLICT,
  [NotificationErrorCode.DeliveryNotFound]: ErrorCode.NOT_FOUND,
  [NotificationErrorCode.ContactNotFound]: ErrorCode.NOT_FOUND,
};

export class NotificationError extends errorOfCodes(NOTIFICATION_ERROR_KINDS) {}

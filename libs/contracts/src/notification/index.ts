export * from './subscription.dto';
export * from './delivery.dto';
export * from './notification.messages';
export * from './notification.errors';

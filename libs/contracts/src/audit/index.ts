export * from './audit.dto';
export * from './audit-position';
export * from './audit.messages';

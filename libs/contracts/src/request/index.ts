export * from './request.enums';
export * from './catalog.dto';
export * from './request.dto';
export * from './request.messages';
export * from './request.errors';

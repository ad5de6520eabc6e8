export * from './change.enums';

export * from './knowledge.enums';

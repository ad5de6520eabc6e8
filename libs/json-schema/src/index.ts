export * from './json-schemas';

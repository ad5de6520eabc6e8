export * from './message';
export * from './envelope';
export * from './errors';
export * from './actor';
export * from './catalog';
export * from './validation';
export * from './incident';
export * from './asyncapi';

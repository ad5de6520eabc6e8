export * from './entities';
export * from './data-source';
export * from './migrate';
export * from './audit';
export * from './numbering';
export * from './core-tables';
export * from './postgres-errors';

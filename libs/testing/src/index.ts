export * from './environment';
export * from './jetstream';
export * from './tokens';
export * from './factories/incident.factory';
export * from './processes';
export * from './schema';
export * from './broker';
export * from './private-postgres';

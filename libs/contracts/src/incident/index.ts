export * from './incident.enums';
export * from './incident.dto';
export * from './routing.dto';
export * from './incident.messages';
export * from './incident.errors';

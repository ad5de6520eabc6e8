export * from './incident.enums';
export * from './incident.dto';
export * from './incident.messages';

export * from './sla.dto';
export * from './sla.messages';

export * from './sla.dto';
export * from './duration';
export * from './calendar.dto';
export * from './policy.dto';
export * from './clock.dto';
export * from './report.dto';
export * from './sla.messages';
export * from './sla.errors';

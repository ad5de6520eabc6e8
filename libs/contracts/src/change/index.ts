export * from './change.enums';
export * from './change.dto';
export * from './template.dto';
export * from './window.dto';
export * from './release.dto';
export * from './change-report.dto';
export * from './change.messages';
export * from './change.errors';

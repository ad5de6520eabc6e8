export * from './problem.enums';
export * from './problem.dto';
export * from './known-error.dto';
export * from './detection-rule.dto';
export * from './problem-report.dto';
export * from './problem.messages';
export * from './problem.errors';

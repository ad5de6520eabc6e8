export * from './knowledge.enums';
export * from './article.dto';
export * from './search.dto';
export * from './feedback.dto';
export * from './knowledge-report.dto';
export * from './knowledge.messages';
export * from './knowledge.errors';

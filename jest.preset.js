/** Shared jest settings: TypeScript through SWC (decorator metadata on), libs resolved from their sources. */
const swcConfig = {
  swcrc: false,
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
    target: 'es2022',
    keepClassNames: true,
  },
  module: { type: 'commonjs' },
  sourceMaps: 'inline',
};

/**
 * Dependencies of sanitize-html that ship only as ES modules: Node loads them from CommonJS (require of ESM), jest's
 * CommonJS runtime does not, so jest compiles them to CommonJS like our own sources.
 */
const ESM_ONLY = '(htmlparser2|domhandler|domutils|dom-serializer|domelementtype|entities)';

module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['@swc/jest', swcConfig],
    [`/node_modules/(sanitize-html/node_modules/)?${ESM_ONLY}/.+\\.js$`]: ['@swc/jest', { ...swcConfig, jsc: { ...swcConfig.jsc, parser: { syntax: 'ecmascript' } } }],
  },
  transformIgnorePatterns: [`/node_modules/(?!(sanitize-html/node_modules/)?${ESM_ONLY}/)`],
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: { '^@itsm/(contracts|messaging|runtime|persistence|observability|testing|json-schema|client)$': '<rootDir>/libs/$1/src/index.ts' },
  setupFiles: ['reflect-metadata'],
  modulePathIgnorePatterns: ['<rootDir>/.*/dist/', '<rootDir>/.data/'],
};

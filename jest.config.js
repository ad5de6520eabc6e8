const preset = require('./jest.preset');

/** `unit`: pure code, in parallel. `integration`: real PostgreSQL and NATS, started privately by the global setup. */
module.exports = {
  projects: [
    {
      ...preset,
      displayName: 'unit',
      rootDir: __dirname,
      testMatch: ['<rootDir>/{apps,libs,tools,chaos}/**/*.spec.ts'],
    },
    {
      ...preset,
      displayName: 'integration',
      rootDir: __dirname,
      testMatch: ['<rootDir>/{apps,libs,tools,chaos}/**/*.int-spec.ts', '<rootDir>/{apps,libs}/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/libs/testing/src/global-setup.js',
      globalTeardown: '<rootDir>/libs/testing/src/global-teardown.js',
      setupFilesAfterEnv: ['<rootDir>/libs/testing/src/integration-timeout.js'],
      slowTestThreshold: 30,
    },
  ],
};

const base = require('./jest.config');

const integration = base.projects.find((project) => project.displayName === 'integration');

/**
 * `npm run test:chaos`: the reliability suite. The fault tests (chaos/*.chaos-spec.ts) start whole suites of their
 * own, each on private PostgreSQL and NATS they stop and restart; beside them run, longer than in `npm test`, the
 * contract fuzzer, the poison messages, and the authorization matrix and token tests. One file at a time: the faults
 * are measured, and two suites on two cores would measure each other.
 */
module.exports = {
  projects: [
    {
      ...integration,
      displayName: 'chaos',
      testMatch: [
        '<rootDir>/chaos/**/*.chaos-spec.ts',
        '<rootDir>/apps/gateway/test/e2e/contract-fuzz.e2e-spec.ts',
        '<rootDir>/apps/gateway/test/e2e/hostile-filters.e2e-spec.ts',
        '<rootDir>/apps/gateway/test/e2e/poison-messages.e2e-spec.ts',
        '<rootDir>/apps/gateway/test/authorization-matrix.int-spec.ts',
        '<rootDir>/apps/gateway/test/security.int-spec.ts',
        '<rootDir>/apps/gateway/test/jwks.int-spec.ts',
        '<rootDir>/apps/gateway/test/api-keys.int-spec.ts',
      ],
    },
  ],
  maxWorkers: 1,
};

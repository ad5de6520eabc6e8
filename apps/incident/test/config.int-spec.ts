import { spawnApp } from '@itsm/testing';

describe('incident service configuration', () => {
  it.each([
    ['DATABASE_URL', 'mysql://root@localhost/itsm', 'must be a postgres:// URL'],
    ['LOG_LEVEL', 'loud', 'must be one of fatal, error, warn, info, debug, trace, silent'],
    ['NATS_URL', 'http://localhost:4222', 'must be one or more nats:// URLs'],
    ['HEALTH_PORT', 'ninety', 'must be a port number'],
    ['CONSUMER_BACKOFF_MS', '100,soon', 'must be a comma-separated list of milliseconds'],
    ['OUTBOX_RELAY_ENABLED', 'maybe', 'must be true or false'],
    ['PRIORITY_MATRIX', 'P1,P2;P3', 'must be three rows of three priorities'],
    ['INCIDENT_REOPEN_WINDOW_DAYS', '-1', 'must not be less than 0'],
    ['INCIDENT_ESCALATION_RULES', '[{"on":"late"}]', 'rule 0: on must be warning or breached'],
    ['INCIDENT_ESCALATION_RULES', 'not json', 'must be a JSON array of escalation rules'],
    ['PROBLEM_RESOLVES_INCIDENTS', 'maybe', 'must be true or false'],
  ])('stops at start with one line naming %s when it is invalid', async (variable, value, problem) => {
    const started = spawnApp('incident', { [variable]: value });
    await expect(started.exited).resolves.toBe(1);
    const lines = started.output().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`Invalid configuration: ${variable} ${problem}`);
    expect(lines[0]).toContain(JSON.stringify(value));
  });
});

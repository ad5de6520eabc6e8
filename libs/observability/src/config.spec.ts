import { Type } from 'class-transformer';
import { IsInt, Matches, Max, Min, MinLength } from 'class-validator';
import { ConfigError, loadConfig } from './config';

class ExampleConfig {
  @Matches(/^postgres:\/\//, { message: 'must be a postgres:// URL' })
  DATABASE_URL = 'postgres://localhost/itsm';

  @Type(() => Number)
  @IsInt({ message: 'must be a port number' })
  @Min(1, { message: 'must be a port number' })
  @Max(65535, { message: 'must be a port number' })
  PORT = 3000;
}

describe('loadConfig', () => {
  it('uses the defaults when the variables are not set', () => {
    expect(loadConfig(ExampleConfig, {})).toMatchObject({ DATABASE_URL: 'postgres://localhost/itsm', PORT: 3000 });
  });

  it('converts and keeps the values that are set', () => {
    expect(loadConfig(ExampleConfig, { PORT: '8080', DATABASE_URL: 'postgres://db/x' })).toMatchObject({ PORT: 8080, DATABASE_URL: 'postgres://db/x' });
  });

  it('treats an empty variable as not set', () => {
    expect(loadConfig(ExampleConfig, { PORT: '' }).PORT).toBe(3000);
  });

  it('names the variable, the rule and the value it got', () => {
    expect(() => loadConfig(ExampleConfig, { PORT: '70000' })).toThrow(new ConfigError('PORT', 'must be a port number; got "70000"'));
    expect(() => loadConfig(ExampleConfig, { PORT: '70000' })).toThrow('Invalid configuration: PORT must be a port number; got "70000"');
  });

  it('hides the password of a URL it reports', () => {
    expect(() => loadConfig(ExampleConfig, { DATABASE_URL: 'mysql://admin:hunter2@db/itsm' })).toThrow(
      'Invalid configuration: DATABASE_URL must be a postgres:// URL; got "mysql://admin:***@db/itsm"',
    );
  });

  it('reports a secret by its length, never its value', () => {
    class SecretConfig {
      @MinLength(32, { message: 'must be at least 32 characters' })
      API_SECRET = '';
    }
    expect(() => loadConfig(SecretConfig, { API_SECRET: 'hunter2' })).toThrow('Invalid configuration: API_SECRET must be at least 32 characters; got 7 characters');
  });

  it('ignores variables it does not know', () => {
    expect(() => loadConfig(ExampleConfig, { HOME: '/root', PATH: '/bin' })).not.toThrow();
  });
});

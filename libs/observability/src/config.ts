import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';

/** A configuration value that stops the process at start, with one line naming the variable. */
export class ConfigError extends Error {
  constructor(readonly variable: string, problem: string) {
    super(`Invalid configuration: ${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}

/** Variables whose value is a secret: reported by length only. */
const SECRET_NAME = /(SECRET|PASSWORD|TOKEN|PRIVATE_KEY)$/;

/** How a rejected value is shown in the one-line error: never a secret, never the password of a URL. */
function describeValue(variable: string, raw: string | undefined): string {
  if (raw === undefined) return '(not set)';
  if (SECRET_NAME.test(variable)) return `${raw.length} characters`;
  return JSON.stringify(raw.replace(/\/\/([^:/@\s]+):[^@\s]*@/g, '//$1:***@'));
}

/**
 * Reads environment variables into a typed, validated object (class-validator rules on the class, property
 * names equal to the variable names). Throws {@link ConfigError} for the first bad variable.
 */
export function loadConfig<T extends object>(cls: new () => T, env: NodeJS.ProcessEnv = process.env): T {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const config = plainToInstance(cls, present, { exposeDefaultValues: true, excludeExtraneousValues: false });
  const errors = validateSync(config, { whitelist: true, forbidUnknownValues: true });
  const first = errors[0];
  if (first) {
    const problem = Object.values(first.constraints ?? {})[0] ?? 'is invalid';
    // class-validator starts its messages with the property name; keep only the rest.
    const text = problem.startsWith(first.property) ? problem.slice(first.property.length).trim() : problem;
    const shown = describeValue(first.property, env[first.property]);
    throw new ConfigError(first.property, `${text}; got ${shown}`);
  }
  return config;
}

/** Runs a service's start function; a bad configuration or a failed start ends the process with code 1. */
export function exitOnStartFailure(start: () => Promise<unknown>): void {
  start().catch((error: unknown) => {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
    } else {
      process.stderr.write(`Start failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    }
    process.exit(1);
  });
}

/**
 * On SIGTERM or SIGINT runs `shutdown` once, then exits 0; exits 1 when it fails or takes longer than
 * `timeoutMs`. A second signal during the shutdown changes nothing.
 */
export function exitOnSignals(logger: { info(obj: object, msg: string): void; error(obj: object, msg: string): void }, timeoutMs: number, shutdown: () => Promise<void>): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    setTimeout(() => {
      logger.error({ timeoutMs }, 'graceful shutdown timed out');
      process.exit(1);
    }, timeoutMs).unref();
    shutdown().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

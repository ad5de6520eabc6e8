import { join } from 'node:path';

/** The helpers of tools/infra.js this lib uses, typed. */
export interface Infra {
  freePort(): Promise<number>;
  isPortOpen(host: string, port: number, timeoutMs?: number): Promise<boolean>;
  startPostgres(options: { dir: string; port: number; durable: boolean }): Promise<{ url: string; dataDir: string; stop(): Promise<void> }>;
  startNats(options: { dir: string; port: number; monitorPort?: number; configFile?: string }): Promise<{ url: string; stop(): Promise<void> }>;
}

// tools/infra.js is plain CommonJS outside the project graph (it runs before dependencies are installed, for
// `npm start` and the jest global setup), so it is loaded by path.
export const infra = require(join(__dirname, '..', '..', '..', 'tools', 'infra.js')) as Infra;

/** The suite's apps as tools/apps.js lists them for the container and `npm start` (plain CommonJS, loaded by path as above). */
export const { APP_NAMES, SERVICE_NAMES } = require(join(__dirname, '..', '..', '..', 'tools', 'apps.js')) as { APP_NAMES: readonly string[]; SERVICE_NAMES: readonly string[] };

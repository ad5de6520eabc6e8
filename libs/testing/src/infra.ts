import { join } from 'node:path';

/** The helpers of tools/infra.js this lib uses, typed. */
export interface Infra {
  freePort(): Promise<number>;
  isPortOpen(host: string, port: number, timeoutMs?: number): Promise<boolean>;
  startPostgres(options: { dir: string; port: number; durable: boolean }): Promise<{ url: string; stop(): Promise<void> }>;
  startNats(options: { dir: string; port: number }): Promise<{ url: string; stop(): Promise<void> }>;
}

// tools/infra.js is plain CommonJS outside the project graph (it runs before dependencies are installed, for
// `npm start` and the jest global setup), so it is loaded by path.
export const infra = require(join(__dirname, '..', '..', '..', 'tools', 'infra.js')) as Infra;

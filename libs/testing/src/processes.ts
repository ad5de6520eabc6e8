import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { asServiceRole, waitFor } from './environment';
import { infra } from './infra';

const ROOT = join(__dirname, '..', '..', '..');

/** A TCP port nothing listens on right now. */
export function freePort(): Promise<number> {
  return infra.freePort();
}

export interface ServiceProcess {
  child: ChildProcess;
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
  exited: Promise<number | null>;
  kill(signal: NodeJS.Signals): Promise<number | null>;
}

/**
 * Runs an app's built `main.js` as a real process, as `npm start` and Kubernetes do: a service connects as its
 * own database role even when `env` names the test superuser.
 */
export function spawnApp(app: string, env: NodeJS.ProcessEnv, nodeArgs: string[] = []): ServiceProcess {
  const main = join(ROOT, 'apps', app, 'dist', 'main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: build first (npx nx run-many -t build; npm test does it)`);
  return spawnNode([...nodeArgs, main], asServiceRole(env, app), ROOT);
}

/** Runs `node <args>` in `cwd` with only PATH and `env`, collecting what it writes. */
export function spawnNode(args: string[], env: NodeJS.ProcessEnv, cwd = ROOT): ServiceProcess {
  const child = spawn(process.execPath, args, { cwd, env: { PATH: process.env['PATH'], ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    output: () => output,
    exited,
    async kill(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Waits until the process's readiness endpoint answers 200 (or fails with its output if it exits first). */
export async function waitUntilReady(processHandle: ServiceProcess, port: number, path = '/health/ready', timeoutMs = 30_000): Promise<void> {
  await waitFor(
    async () => {
      if (processHandle.child.exitCode !== null) throw new Error(`exited with ${processHandle.child.exitCode}:\n${processHandle.output()}`);
      const response = await fetch(`http://127.0.0.1:${port}${path}`).catch(() => undefined);
      return response?.status === 200;
    },
    { timeoutMs, intervalMs: 100, what: `readiness on port ${port}` },
  ).catch((error: Error) => {
    throw new Error(`${error.message}\n--- output ---\n${processHandle.output()}`);
  });
}

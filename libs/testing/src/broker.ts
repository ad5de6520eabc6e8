import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { waitFor } from './environment';
import { infra } from './infra';

interface BrokerInfo {
  url: string;
  port: number;
  pidFile: string;
  command: string[];
}

function brokerOfThisWorker(): BrokerInfo {
  const brokers = JSON.parse(process.env['ITSM_TEST_NATS_SERVERS'] ?? '[]') as BrokerInfo[];
  const broker = brokers[(Number(process.env['JEST_WORKER_ID'] ?? '1') - 1) % Math.max(brokers.length, 1)];
  if (!broker) throw new Error('ITSM_TEST_NATS_SERVERS is not set: integration tests run through the `integration` jest project');
  return broker;
}

function portOpen(port: number): Promise<boolean> {
  return infra.isPortOpen('127.0.0.1', port, 1_000);
}

/** Kills this worker's nats-server (SIGKILL: no goodbye to the clients) and waits until its port is closed. */
export async function killBroker(): Promise<void> {
  const broker = brokerOfThisWorker();
  const pid = Number(readFileSync(broker.pidFile, 'utf8').trim());
  process.kill(pid, 'SIGKILL');
  await waitFor(async () => !(await portOpen(broker.port)), { what: 'the broker to go away' });
}

/** Starts this worker's nats-server again, on the same port with the same JetStream store (no-op when it runs). */
export async function restartBroker(): Promise<void> {
  const broker = brokerOfThisWorker();
  // A second server would fail to bind, but not before writing its pid over the running one's.
  if (await portOpen(broker.port)) return;
  const [command, ...args] = broker.command;
  if (!command) throw new Error('no command to restart the broker with');
  spawn(command, args, { detached: true, stdio: 'ignore' }).unref();
  await waitFor(() => portOpen(broker.port), { what: 'the broker to come back' });
}

/**
 * `npm run bench`: the whole suite measured in one run against this machine's limits.
 *
 *   npm run bench                         every scenario, full size (under 30 minutes on 2 cores)
 *   npm run bench -- --quick              every scenario scaled down, about two minutes
 *   npm run bench -- --only creation,storm
 *   (scenarios: footprint, creation, storm, knowledge, mixed, cmdb, slice)
 *   npm run bench -- impact|sla|notification|knowledge|gateway-limits|slice [their options]
 *
 * The harness starts private PostgreSQL (fsync on) and NATS with JetStream, the production build of the gateway
 * and all seven services (bench/suite/cluster.ts), measures the limits (bench/suite/limits.ts), runs the
 * scenarios in order and prints one Markdown table with every figure and its ratio to its limit, then the
 * targets as pass/fail; the same goes to bench/results/<date>.json (never committed). It exits 0 when every
 * scenario ran, whatever the targets say: targets are read, not asserted. BENCH_NODE_ARGS (e.g.
 * `--cpu-prof --cpu-prof-dir=/tmp/prof`) is passed to every app.
 */
import 'reflect-metadata';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { startSuite } from './suite/cluster';
import { measureLimits } from './suite/limits';
import { Report } from './suite/report';
import type { Scenario, ScenarioContext } from './suite/scenario';
import { cmdb } from './suite/scenarios/cmdb';
import { creation, slice } from './suite/scenarios/creation';
import { footprint } from './suite/scenarios/footprint';
import { knowledge } from './suite/scenarios/knowledge';
import { mixed } from './suite/scenarios/mixed';
import { storm } from './suite/scenarios/storm';

/** The benchmarks of one part, each still runnable on its own. */
const PARTS = ['impact', 'sla', 'notification', 'drain', 'knowledge', 'gateway-limits', 'slice'];
/**
 * In the order they run: footprint first (idle, before any load); mixed before cmdb, since the import's hundreds of
 * thousands of events keep consumers busy for minutes after it and mixed measures a service desk whose consumers keep
 * up; then the slice on a suite of its own.
 */
const SCENARIOS: Scenario[] = [footprint, creation, storm, knowledge, mixed, cmdb, slice];

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const part = args[0];
  if (part !== undefined && PARTS.includes(part)) {
    const result = spawnSync(process.execPath, ['-r', '@swc-node/register', join(__dirname, `${part}.bench.ts`), ...args.slice(1)], { stdio: 'inherit' });
    process.exit(result.status ?? 1);
  }
  const unknown = args.filter((arg, i) => !['--quick', '--only'].includes(arg) && args[i - 1] !== '--only');
  if (unknown.length > 0) throw new Error(`unknown arguments ${unknown.join(' ')}: use --quick, --only <scenarios>, or one of ${PARTS.join(', ')}`);
  const quick = args.includes('--quick');
  const onlyIndex = args.indexOf('--only');
  const only = onlyIndex >= 0 ? (args[onlyIndex + 1] ?? '').split(',') : undefined;
  const chosen = only ? SCENARIOS.filter((s) => only.includes(s.name)) : SCENARIOS;
  if (only && chosen.length !== only.length) throw new Error(`--only takes ${SCENARIOS.map((s) => s.name).join(', ')}`);

  const log = (line: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
  const started = performance.now();
  const nodeArgs = (process.env['BENCH_NODE_ARGS'] ?? '').split(' ').filter(Boolean);
  const report = new Report(quick);
  const failures: string[] = [];
  let limitsMeasured = false;
  // The whole suite first, then each scenario that needs a smaller one, on a suite of its own.
  const groups = [chosen.filter((s) => !s.services), ...chosen.filter((s) => s.services).map((s) => [s])].filter((group) => group.length > 0);
  for (const group of groups) {
    const suite = await startSuite({ nodeArgs, log, services: group[0]?.services });
    try {
      const context: ScenarioContext = { suite, report, quick, scale: (full, small) => (quick ? small : full), log };
      // The footprint is read idle, before anything else runs.
      if (group.includes(footprint)) await footprint.run(context);
      if (!limitsMeasured) {
        log('measuring the limits');
        await seedOneIncident(context);
        report.limits = await measureLimits(suite, quick);
        limitsMeasured = true;
        log(`limits: ${report.limits.insertsPerSecond} inserts/s, ${report.limits.publishesPerSecond} publishes/s`);
      }
      for (const scenario of group.filter((s) => s !== footprint)) {
        log(`scenario ${scenario.name}`);
        const t0 = performance.now();
        try {
          await scenario.run(context);
        } catch (error) {
          failures.push(`${scenario.name}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
          log(`scenario ${scenario.name} failed: ${error instanceof Error ? error.message : String(error)}`);
        }
        log(`scenario ${scenario.name} took ${Math.round((performance.now() - t0) / 1000)} s`);
      }
    } finally {
      await suite.stop();
    }
  }
  process.stdout.write(report.markdown());
  const file = report.write(join(__dirname, 'results'));
  log(`results in ${file}; whole run ${Math.round((performance.now() - started) / 1000)} s`);
  if (failures.length > 0) {
    process.stderr.write(`\n${failures.join('\n\n')}\n`);
    process.exit(1);
  }
}

/** The insert limit copies a real incident row: create one through the gateway. */
async function seedOneIncident({ suite }: ScenarioContext): Promise<void> {
  const { buildCreateIncident } = await import('@itsm/testing');
  const response = await fetch(`${suite.gatewayUrl}/v1/incidents`, {
    method: 'POST',
    headers: { authorization: `Bearer ${suite.token()}`, 'content-type': 'application/json' },
    body: JSON.stringify(buildCreateIncident()),
  });
  if (response.status !== 201) throw new Error(`creating the first incident answered ${response.status}: ${await response.text()}`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});

'use strict';
/**
 * `npm test`: PostgreSQL and nats-server present (installed with apt-get when missing and allowed:
 * infra.ensureServers), build, lint, typecheck, then jest. Extra arguments go to jest
 * (`npm test -- libs/messaging`) and skip lint and typecheck. `--chaos` (npm run test:chaos) runs the reliability
 * suite instead of lint, typecheck and jest's default projects.
 */
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { ROOT, ensureServersOrExit } = require('./infra');

const chaos = process.argv[2] === '--chaos';
const jestArgs = process.argv.slice(chaos ? 3 : 2);
const toolEnv = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' };
const timings = [];
let current;
let interrupted;

const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

function run(command, args, env = toolEnv) {
  return new Promise((resolve) => {
    current = spawn(command, args, { cwd: ROOT, env, stdio: 'inherit' });
    current.once('error', (error) => {
      console.error(`Could not run ${command}: ${error.message}`);
      resolve(127);
    });
    current.once('exit', (code, signal) => {
      current = undefined;
      resolve(code ?? (signal === 'SIGINT' ? 130 : 128 + 15));
    });
  });
}

async function step(name, command, args, env, after) {
  console.log(`\n==> ${name}: ${[command, ...args].join(' ')}`);
  const started = Date.now();
  const code = await run(command, args, env);
  const took = Date.now() - started;
  if (after) after();
  timings.push(`${name} ${seconds(took)}`);
  if (interrupted) process.exit(interrupted);
  if (code !== 0) {
    console.error(`==> ${name} failed (exit ${code}) after ${seconds(took)}`);
    process.exit(code);
  }
  console.log(`==> ${name} passed in ${seconds(took)}`);
}

/** One plain closing line with jest's counts, the same whatever reporter prints above it. */
function printCounts(report) {
  try {
    const result = JSON.parse(fs.readFileSync(report, 'utf8'));
    fs.rmSync(report, { force: true });
    const skipped = result.numPendingTests + result.numTodoTests;
    console.log(`\ntests: ${result.numPassedTests} passed, ${result.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ''}`);
  } catch {
    // jest did not get as far as writing its report; its own output says why.
  }
}

function onSignal(signal) {
  if (!interrupted) interrupted = signal === 'SIGINT' ? 130 : 143;
  if (current) current.kill(signal);
  else process.exit(interrupted);
}

async function main() {
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // Under `npm test` a SIGTERM to npm ends the shell between npm and us: stop with it.
  if (process.env.npm_lifecycle_event) {
    const parent = process.ppid;
    setInterval(() => process.ppid !== parent && onSignal('SIGTERM'), 1000).unref();
  }

  const started = Date.now();
  await ensureServersOrExit();
  await step('build', 'npx', ['nx', 'run-many', '-t', 'build']);
  if (chaos) return runChaos(started);
  if (jestArgs.length === 0) {
    await step('lint', 'npx', ['eslint', '.']);
    await step('typecheck', 'npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']);
  }
  const report = path.join(os.tmpdir(), `itsm-jest-${process.pid}.json`);
  await step('jest', 'npx', ['jest', '--ci', '--json', `--outputFile=${report}`, ...jestArgs], toolEnv, () => printCounts(report));
  console.log(`\n==> all steps passed in ${seconds(Date.now() - started)} (${timings.join(', ')})`);
}

/**
 * `npm run test:chaos`: the reliability suite (jest.chaos.config.js), each of its parts recording its counts; then
 * the table of them, and docs/reliability.md written from it when the whole suite ran and passed.
 */
async function runChaos(started) {
  const results = path.join(os.tmpdir(), `itsm-reliability-${process.pid}.jsonl`);
  fs.rmSync(results, { force: true });
  // The fuzzer with every input class in every run, 20 runs per operation (npm run test:fuzz goes to 60).
  const env = { ...toolEnv, ITSM_RELIABILITY_RESULTS: results, FUZZ_LONG: '1', FUZZ_RUNS: process.env.FUZZ_RUNS ?? '20' };
  console.log('\n==> reliability suite: npx jest -c jest.chaos.config.js');
  const code = await run('npx', ['jest', '-c', 'jest.chaos.config.js', '--ci', ...jestArgs], env);
  if (interrupted) process.exit(interrupted);
  const write = code === 0 && jestArgs.length === 0 ? ['--write'] : [];
  const report = await run('node', ['-r', '@swc-node/register', 'tools/reliability-report.ts', results, ...write]);
  fs.rmSync(results, { force: true });
  console.log(`\n==> reliability suite ${code === 0 ? 'passed' : `failed (exit ${code})`} after ${seconds(Date.now() - started)}`);
  process.exit(code || report);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

/**
 * Footprint: start-to-ready of every process (spawn until its readiness endpoint answers 200, all services started
 * at once, then the gateway) and idle RSS per process and in total, read after the suite has settled and before
 * any load.
 */
import { sleep } from '../../bench-kit';
import { rssOf } from '../cluster';
import type { Scenario } from '../scenario';

export const footprint: Scenario = {
  name: 'footprint',
  async run({ suite, report }) {
    await sleep(5_000);
    const rss = rssOf(suite.sample());
    const total = Object.values(rss).reduce((sum, mb) => sum + mb, 0);
    const gateway = suite.processes.find((p) => p.name === 'gateway');
    const servicesReadyMs = Math.max(...suite.processes.filter((p) => p !== gateway).map((p) => p.readyAfterMs));
    const suiteReadyMs = servicesReadyMs + (gateway?.readyAfterMs ?? 0);
    report.add({
      scenario: 'footprint',
      case: 'idle after start',
      rssMb: rss,
      extra: { 'total RSS MB': total, 'start-to-ready ms': suiteReadyMs, ...Object.fromEntries(suite.processes.map((p) => [`${p.name} ready ms`, p.readyAfterMs])) },
    });
    report.target('whole suite idle RSS', total, '<=', 1_200, 'MB');
    report.target('whole suite start-to-ready', +(suiteReadyMs / 1000).toFixed(1), '<=', 15, 's');
  },
};

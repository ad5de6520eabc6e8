import type { ReliabilityRow } from '@itsm/testing';
import { END, replaceResults, START, summarize, table } from './reliability-report';

const row = (overrides: Partial<ReliabilityRow>): ReliabilityRow => ({ group: 'fault', name: 'SIGKILL incident', runs: 3, operations: 900, ok: 2000, lost: 0, duplicated: 0, unexpected: 0, ...overrides });

describe('the reliability report', () => {
  it('adds up the runs of one class and keeps the slowest failure and the longest recovery', () => {
    const rows = summarize([
      row({ failedFast: 40, slowestFailureMs: 5005, recoveryMs: 300 }),
      row({ failedFast: 10, slowestFailureMs: 12, recoveryMs: 900, lost: 1 }),
      row({ group: 'input', name: 'huge strings', runs: 1, operations: 134, ok: 134 }),
    ]);
    expect(rows).toEqual([
      { group: 'fault', name: 'SIGKILL incident', runs: 6, operations: 1800, ok: 4000, lost: 1, duplicated: 0, unexpected: 0, failedFast: 50, slowestFailureMs: 5005, recoveryMs: 900 },
      { group: 'input', name: 'huge strings', runs: 1, operations: 134, ok: 134, lost: 0, duplicated: 0, unexpected: 0 },
    ]);
  });

  it('puts faults first, each group in a table of its own, and the fault totals at the end', () => {
    const text = table(summarize([row({ group: 'abuse', name: 'flood from one client', notes: 'p99 1.5×' }), row({ recoveryMs: 80 })]));
    expect(text.indexOf('### Faults')).toBeLessThan(text.indexOf('### Abuse'));
    expect(text).toContain('| SIGKILL incident | 3 | 900 | 2000 | 0 | 0 | 0 |  |  | 80 |');
    expect(text).toContain('| flood from one client | 3 | 900 | 2000 | 0 | 0 | 0 | p99 1.5× |');
    expect(text).toMatch(/Fault runs: 900 operations in total; lost 0, duplicated 0, unexpected 0\.$/);
  });

  it('replaces only what lies between the markers, and refuses a document without them', () => {
    const document = `# Reliability\n\nProse.\n\n${START}\nold table\n${END}\n\nMore prose.\n`;
    expect(replaceResults(document, 'new table')).toBe(`# Reliability\n\nProse.\n\n${START}\nnew table\n${END}\n\nMore prose.\n`);
    expect(() => replaceResults('# Reliability\n', 'new table')).toThrow(/lost its result markers/);
  });
});

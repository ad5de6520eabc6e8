/** What every scenario of the whole-suite harness gets, and what it is. */
import type { Suite } from './cluster';
import type { Report } from './report';

export interface ScenarioContext {
  suite: Suite;
  report: Report;
  /** `--quick`: a smoke run of about two minutes in all; every scenario scales itself down. */
  quick: boolean;
  /** `full` in a full run, `quick` in a quick one. */
  scale(full: number, quick: number): number;
  log(line: string): void;
}

export interface Scenario {
  /** Its name on the command line (`--only creation,storm`) and in the table. */
  name: string;
  /** The services it needs beside the gateway, when not the whole suite: it then runs on a suite of its own. */
  services?: readonly string[];
  run(context: ScenarioContext): Promise<void>;
}

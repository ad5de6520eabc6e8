import type { Logger } from 'pino';

/**
 * Runs a job every `intervalMs` in the background, one run at a time: a tick that comes while a run is still
 * going is skipped. A failed run is logged as a warning with `failure` and the next tick simply tries again.
 * `stop()` waits for the run in flight, so a shutdown hook can close the database after it.
 */
export class PeriodicTask {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;

  constructor(
    private readonly logger: Logger,
    private readonly failure: string,
  ) {}

  /** The timer does not keep the process alive. */
  start(intervalMs: number, run: () => Promise<unknown>): void {
    this.timer = setInterval(() => {
      this.running ??= run()
        .catch((error: unknown) => this.logger.warn({ err: error }, this.failure))
        .finally(() => (this.running = undefined));
    }, intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }
}

import pino from 'pino';
import { PeriodicTask } from './periodic-task';

/** A run that ends only when the test says so. */
function controlledRun(): { run: () => Promise<void>; calls: () => number; finish: (error?: Error) => void } {
  let calls = 0;
  let settle: ((error?: Error) => void) | undefined;
  return {
    run: () => {
      calls += 1;
      return new Promise<void>((resolve, reject) => (settle = (error) => (error ? reject(error) : resolve())));
    },
    calls: () => calls,
    finish: (error) => settle?.(error),
  };
}

describe('PeriodicTask', () => {
  const logger = pino({ level: 'silent' });

  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('skips the ticks that come while a run is still going', async () => {
    const task = new PeriodicTask(logger, 'failed');
    const job = controlledRun();
    task.start(100, job.run);

    await jest.advanceTimersByTimeAsync(350);
    expect(job.calls()).toBe(1);

    job.finish();
    await jest.advanceTimersByTimeAsync(100);
    expect(job.calls()).toBe(2);
    job.finish();
    await task.stop();
  });

  it('logs a failed run with its message and runs again on the next tick', async () => {
    const warn = jest.spyOn(logger, 'warn');
    const task = new PeriodicTask(logger, 'cleaning failed; trying again later');
    const job = controlledRun();
    task.start(100, job.run);

    await jest.advanceTimersByTimeAsync(100);
    job.finish(new Error('database gone'));
    await jest.advanceTimersByTimeAsync(100);

    expect(warn).toHaveBeenCalledWith({ err: new Error('database gone') }, 'cleaning failed; trying again later');
    expect(job.calls()).toBe(2);
    job.finish();
    await task.stop();
  });

  it('waits on stop for the run in flight and starts no other', async () => {
    const task = new PeriodicTask(logger, 'failed');
    const job = controlledRun();
    task.start(100, job.run);
    await jest.advanceTimersByTimeAsync(100);

    let stopped = false;
    const stopping = task.stop().then(() => (stopped = true));
    await jest.advanceTimersByTimeAsync(0);
    expect(stopped).toBe(false);

    job.finish();
    await stopping;
    await jest.advanceTimersByTimeAsync(500);
    expect(stopped).toBe(true);
    expect(job.calls()).toBe(1);
  });
});

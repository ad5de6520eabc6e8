import { Writable } from 'node:stream';
import { contextFromHeaders, traceIdOf, WorkContexts } from './context';
import { createLogger, PinoNestLogger } from './logger';

function capture(): { lines: () => Array<Record<string, unknown>>; stream: Writable } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return { stream, lines: () => chunks.join('').trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>) };
}

describe('logger', () => {
  it('writes one JSON line with the service, and the correlation and trace ids of the current work', () => {
    const out = capture();
    const logger = createLogger('incident', 'info', out.stream);
    const context = contextFromHeaders({ correlationId: 'req-42' });
    WorkContexts.run(context, () => logger.info('incident opened'));
    logger.info('outside any work');
    const [inside, outside] = out.lines();
    expect(inside).toMatchObject({ level: 'info', service: 'incident', msg: 'incident opened', correlationId: 'req-42', traceId: traceIdOf(context.traceparent) });
    expect(typeof inside?.['time']).toBe('string');
    expect(outside).not.toHaveProperty('correlationId');
  });

  it('keeps Nest start-up chatter below info and passes other Nest messages through with their context', () => {
    const out = capture();
    const nest = new PinoNestLogger(createLogger('gateway', 'info', out.stream));
    nest.log('Mapped {/v1/incidents, POST} route', 'RouterExplorer');
    nest.warn('pool nearly exhausted', 'Database');
    nest.error('handler failed', 'Error: boom\n    at x', 'Rpc');
    expect(out.lines()).toEqual([
      expect.objectContaining({ level: 'warn', context: 'Database', msg: 'pool nearly exhausted' }),
      expect.objectContaining({ level: 'error', context: 'Rpc', msg: 'handler failed', stack: 'Error: boom\n    at x' }),
    ]);
  });
});

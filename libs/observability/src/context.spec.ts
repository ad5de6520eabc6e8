import fc from 'fast-check';
import { childTraceparent, contextFromHeaders, newTraceparent, traceIdOf, WorkContexts } from './context';

const TRACEPARENT = /^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

describe('trace context', () => {
  it('starts a new valid trace', () => {
    expect(newTraceparent()).toMatch(TRACEPARENT);
  });

  it('gives every trace and span its own ids, also across refills of the random pool', () => {
    // 4 KiB of pool is 170 traces of 24 bytes: 2,000 of them refill it a dozen times.
    const traces = Array.from({ length: 2000 }, () => newTraceparent());
    for (const trace of traces) expect(trace).toMatch(TRACEPARENT);
    expect(new Set(traces.map((trace) => trace.slice(3, 35))).size).toBe(traces.length);
    expect(new Set(traces.map((trace) => trace.slice(36, 52))).size).toBe(traces.length);
  });

  it('keeps the trace id and flags of the parent and makes a new span id', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9a-f]{32}$/), fc.stringMatching(/^[0-9a-f]{16}$/), (trace, span) => {
        const parent = `00-${trace.toLowerCase()}-${span.toLowerCase()}-01`;
        const child = childTraceparent(parent);
        expect(child).toMatch(TRACEPARENT);
        expect(traceIdOf(child)).toBe(trace.toLowerCase());
        expect(child.endsWith('-01')).toBe(true);
      }),
    );
  });

  it('starts a new trace when the incoming header is malformed', () => {
    for (const bad of ['', 'garbage', '00-xyz-abc-01', undefined, null]) {
      expect(childTraceparent(bad)).toMatch(TRACEPARENT);
    }
  });
});

describe('work context', () => {
  it('keeps the caller’s correlation id and makes one when there is none', () => {
    expect(contextFromHeaders({ correlationId: 'abc-123' }).correlationId).toBe('abc-123');
    expect(contextFromHeaders({}).correlationId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('refuses an absurdly long correlation id', () => {
    expect(contextFromHeaders({ correlationId: 'x'.repeat(500) }).correlationId).toHaveLength(36);
  });

  it('is visible across awaits inside run and gone outside', async () => {
    const context = contextFromHeaders({ correlationId: 'outer' });
    const seen = await WorkContexts.run(context, async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      return WorkContexts.current()?.correlationId;
    });
    expect(seen).toBe('outer');
    expect(WorkContexts.current()).toBeUndefined();
  });
});

/**
 * Storm: an alert storm of incident creates as fast as the API takes them (64 clients, a fixed amount), then the
 * time until every consumer has handled all it set off, and the lag of every consumer (../lag.ts).
 */
import { lagExtra } from '../lag';
import type { Scenario } from '../scenario';
import { createIncidents, creationRow, describeLag } from './creation';

export const storm: Scenario = {
  name: 'storm',
  async run(context) {
    const amount = context.scale(5_000, 500);
    const r = await createIncidents(context, { connections: 64, amount });
    describeLag(context.log, 'storm', r);
    context.report.add({
      ...creationRow('storm', `${amount} creates, 64 clients`, r),
      extra: { 'API time s': +(r.load.durationMs / 1000).toFixed(2), 'idle after last answer s': +(r.idleMs / 1000).toFixed(2), created: r.created, stored: r.stored, ...lagExtra(r.lag) },
    });
  },
};

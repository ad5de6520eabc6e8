import { defineEvent } from '../message';
import { SlaBreachedV1, SlaWarningV1 } from './sla.dto';

export const SlaEvents = {
  warning: defineEvent({
    domain: 'sla',
    name: 'warning',
    version: 1,
    payload: SlaWarningV1,
    summary: 'An SLA or OLA clock passed a warning threshold (e.g. 75 % of its target).',
  }),
  breached: defineEvent({
    domain: 'sla',
    name: 'breached',
    version: 1,
    payload: SlaBreachedV1,
    summary: 'An SLA or OLA clock ran past its target.',
  }),
} as const;

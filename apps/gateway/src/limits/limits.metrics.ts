import { counter, gauge } from '@itsm/observability';

/** Why the gateway refused a request on its own. */
export enum RejectionReason {
  RateLimit = 'rate_limit',
  Shed = 'shed',
  Deadline = 'deadline',
}

export const rejectedRequests = counter('itsm_gateway_rejected_requests_total', 'Requests the gateway refused itself, by route class and reason (rate_limit, shed, deadline)', [
  'class',
  'reason',
]);

export const rateLimitStoreFailures = counter(
  'itsm_gateway_rate_limit_store_failures_total',
  'Requests let through uncounted because the shared rate-limit counters could not be reached in time',
);

export const inFlightRequests = gauge('itsm_gateway_in_flight_requests', 'Requests this gateway replica is serving (health, metrics and live event streams not counted)');

import { defineEvent, defineRpc } from '../message';
import { CreateIncidentDto, GetIncidentRequest, IncidentView } from './incident.dto';

/** Payload of `itsm.events.incident.created.v1`: the incident as it was created. */
export class IncidentCreatedV1 extends IncidentView {}

export const IncidentEvents = {
  created: defineEvent({
    domain: 'incident',
    name: 'created',
    version: 1,
    payload: IncidentCreatedV1,
    summary: 'An incident was opened (through the API, e-mail or an integration).',
  }),
} as const;

export const IncidentRpc = {
  create: defineRpc({
    domain: 'incident',
    operation: 'create',
    request: CreateIncidentDto,
    response: IncidentView,
    summary: 'Open an incident on behalf of the calling user.',
  }),
  get: defineRpc({
    domain: 'incident',
    operation: 'get',
    request: GetIncidentRequest,
    response: IncidentView,
    summary: 'Read one incident; requesters only see what they opened.',
  }),
} as const;

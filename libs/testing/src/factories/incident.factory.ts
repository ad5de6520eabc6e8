import { type CreateIncidentDto, Impact, Urgency } from '@itsm/contracts';

let counter = 0;

export function buildCreateIncident(overrides: Partial<CreateIncidentDto> = {}): CreateIncidentDto {
  counter += 1;
  return {
    title: `Printer on floor ${counter} jams`,
    description: 'Every print job stops after the first page.',
    impact: Impact.Medium,
    urgency: Urgency.High,
    ...overrides,
  };
}

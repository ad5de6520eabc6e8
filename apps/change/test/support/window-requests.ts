import { randomUUID } from 'node:crypto';
import { BlackoutScope, type CreateBlackoutWindowRequest, type CreateMaintenanceWindowRequest } from '@itsm/contracts';
import type { ChangeHarness } from './change-harness';
import { type ChangeRowSeed, insertChange } from './change-rows';

let counter = 0;

/** A blackout with the fields a test does not care about filled in (one evening, UTC, on one CI), and a name of its own. */
export function buildBlackout(overrides: Partial<CreateBlackoutWindowRequest> = {}): CreateBlackoutWindowRequest {
  counter += 1;
  return {
    name: `Freeze #${counter}`,
    scope: BlackoutScope.Ci,
    targetIds: [randomUUID()],
    start: '2030-06-07T18:00:00Z',
    end: '2030-06-07T22:00:00Z',
    timeZone: 'UTC',
    ...overrides,
  };
}

/** A maintenance window with the fields a test does not care about filled in (nightly 01:00–04:00 UTC on one CI), and a name of its own. */
export function buildMaintenanceWindow(overrides: Partial<CreateMaintenanceWindowRequest> = {}): CreateMaintenanceWindowRequest {
  counter += 1;
  return {
    name: `Nightly slot #${counter}`,
    ciIds: [randomUUID()],
    start: '2030-06-01T01:00:00Z',
    end: '2030-06-01T04:00:00Z',
    rrule: 'FREQ=DAILY',
    timeZone: 'UTC',
    ...overrides,
  };
}

/** A change row (see insertChange) with its impact set as the risk assessment stores it; its number is made up when left out. */
export async function insertChangeWithImpact(h: ChangeHarness, seed: Partial<ChangeRowSeed> & { impactCiIds?: string[] }): Promise<string> {
  counter += 1;
  const id = await insertChange(h, { number: `CHG${String(5_000_000 + counter)}`, ...seed });
  if (seed.impactCiIds) await h.database.query(`UPDATE change.changes SET impact_ci_ids = $2::uuid[] WHERE id = $1`, [id, seed.impactCiIds]);
  return id;
}

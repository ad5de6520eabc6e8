import { checkMigrations } from '@itsm/testing';
import { incidentApp } from '../src/service-definition';

it('incident migrations create exactly what the entities describe and revert to nothing', async () => {
  await expect(checkMigrations(incidentApp)).resolves.toMatchObject({ drift: [], leftAfterRevert: [] });
});

import { checkMigrations } from '@itsm/testing';
import { slaApp } from '../src/service-definition';

it('sla migrations create exactly what the entities describe and revert to nothing', async () => {
  await expect(checkMigrations(slaApp)).resolves.toMatchObject({ drift: [], leftAfterRevert: [] });
});

import { checkMigrations } from '@itsm/testing';
import { slaApp } from '../src/app.module';

it('sla migrations create exactly what the entities describe and revert to nothing', async () => {
  await expect(checkMigrations(slaApp)).resolves.toMatchObject({ drift: [], leftAfterRevert: [] });
});

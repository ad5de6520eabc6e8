import { checkMigrations } from '@itsm/testing';
import { changeApp } from '../src/service-definition';

it('change migrations create exactly what the entities describe and revert to nothing', async () => {
  await expect(checkMigrations(changeApp)).resolves.toMatchObject({ drift: [], leftAfterRevert: [] });
});

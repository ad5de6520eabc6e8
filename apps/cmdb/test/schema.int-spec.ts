import { checkMigrations } from '@itsm/testing';
import { cmdbApp } from '../src/service-definition';

it('cmdb migrations create exactly what the entities describe and revert to nothing', async () => {
  await expect(checkMigrations(cmdbApp)).resolves.toMatchObject({ drift: [], leftAfterRevert: [] });
});

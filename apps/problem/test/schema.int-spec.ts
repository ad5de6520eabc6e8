import { checkMigrations } from '@itsm/testing';
import { problemApp } from '../src/service-definition';

it('problem migrations create exactly what the entities describe and revert to nothing', async () => {
  await expect(checkMigrations(problemApp)).resolves.toMatchObject({ drift: [], leftAfterRevert: [] });
});

import { checkMigrations } from '@itsm/testing';
import { problemApp } from '../src/app.module';

it('problem migrations create exactly what the entities describe and revert to nothing', async () => {
  await expect(checkMigrations(problemApp)).resolves.toMatchObject({ drift: [], leftAfterRevert: [] });
});

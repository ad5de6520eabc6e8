import { checkMigrations } from '@itsm/testing';
import { knowledgeApp } from '../src/service-definition';

it('knowledge migrations create exactly what the entities describe and revert to nothing', async () => {
  await expect(checkMigrations(knowledgeApp)).resolves.toMatchObject({ drift: [], leftAfterRevert: [] });
});

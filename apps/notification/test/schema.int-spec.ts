import { checkMigrations } from '@itsm/testing';
import { notificationApp } from '../src/service-definition';

it('notification migrations create exactly what the entities describe and revert to nothing', async () => {
  await expect(checkMigrations(notificationApp)).resolves.toMatchObject({ drift: [], leftAfterRevert: [] });
});

/** The SLA service as the database sees it: connected as its own role, owning its schema and kept out of the others. */
import { SlaHarness } from './support/sla-harness';

describe('sla service database role', () => {
  let h: SlaHarness;

  beforeAll(async () => {
    h = await SlaHarness.start();
  });

  afterAll(async () => {
    await h.stop();
  });

  it('connects as itsm_sla, never as a superuser', async () => {
    const sessions = await h.database.query<{ usename: string; superuser: boolean }>(
      "SELECT DISTINCT a.usename, r.rolsuper AS superuser FROM pg_stat_activity a JOIN pg_roles r ON r.oid = a.usesysid WHERE a.datname = current_database() AND a.application_name = 'sla'",
    );
    expect(sessions).toEqual([{ usename: 'itsm_sla', superuser: false }]);
  });

  it('ran its migrations as itsm_sla, which owns every table of the sla schema', async () => {
    const owners = await h.database.query<{ owner: string; tables: number }>(
      "SELECT c.relowner::regrole::text AS owner, count(*)::int AS tables FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'sla' AND c.relkind = 'r' GROUP BY 1",
    );
    expect(owners).toEqual([{ owner: 'itsm_sla', tables: expect.any(Number) }]);
    expect(owners[0]?.tables).toBeGreaterThan(3);
  });

  it("cannot read the incident service's schema through its own data source", async () => {
    await expect(h.transaction((manager) => manager.query('SELECT count(*) FROM incident.migrations'))).rejects.toMatchObject({ driverError: { code: '42501' } });
  });
});

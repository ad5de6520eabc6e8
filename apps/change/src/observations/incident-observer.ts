import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { IncidentView } from '@itsm/contracts';
import { IncidentObservation } from './incident-observation.entity';

/**
 * Keeps the newest version of each incident as its observation (the CIs it names, when it was opened): a newer
 * version replaces an older one, and an older one arriving late, or the same one again, changes nothing.
 */
@Injectable()
export class IncidentObserver {
  /** Applies one version of an incident, in the transaction of the event's inbox row; true when it was kept. */
  async observe(manager: EntityManager, incident: IncidentView): Promise<boolean> {
    const table = manager.connection.getMetadata(IncidentObservation).tablePath;
    const kept: unknown[] = await manager.query(
      `INSERT INTO ${table} AS o (incident_id, version, number, ci_ids, opened_at)
       VALUES ($1, $2, $3, $4::uuid[], $5)
       ON CONFLICT (incident_id) DO UPDATE SET
         version = EXCLUDED.version, number = EXCLUDED.number, ci_ids = EXCLUDED.ci_ids, opened_at = EXCLUDED.opened_at
       WHERE o.version < EXCLUDED.version
       RETURNING incident_id`,
      [incident.id, incident.version, incident.number, incident.ciIds, incident.openedAt],
    );
    return kept.length > 0;
  }
}

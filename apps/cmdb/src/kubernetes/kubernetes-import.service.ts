import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { type Actor, CmdbError, CmdbErrorCode, type ImportResult, type KubernetesImportRequest } from '@itsm/contracts';
import { Ci } from '../cis/ci.entity';
import { CiWriter } from '../cis/ci.writer';
import { clusterCloudId, KUBERNETES_SOURCE, mapKubernetesList } from '../domain/kubernetes';
import { DEFAULT_IMPORT_ENVIRONMENT, edgeKey, ImportEngine, type RunState } from '../imports/import-engine';
import { CiRelationship } from '../relationships/relationship.entity';
import { RelationshipWriter } from '../relationships/relationship.writer';

/**
 * Kubernetes discovery: a `kubectl get … -o json` List of one cluster, mapped and run through the import engine
 * with source `kubernetes`. The CIs of a cluster are those carrying its name in the attribute `cluster` (set on
 * every CI the mapping makes); with a full snapshot, those whose uid the list no longer has are retired, and the
 * relationships the `kubernetes` source asserted about them that the list no longer has are removed.
 */
@Injectable()
export class KubernetesImportService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly engine: ImportEngine,
    private readonly cis: CiWriter,
    private readonly relationships: RelationshipWriter,
  ) {}

  async run(request: KubernetesImportRequest, actor: Actor): Promise<ImportResult> {
    const mapping = mapKubernetesList(request.list, { cluster: request.cluster, environment: request.environment ?? DEFAULT_IMPORT_ENVIRONMENT });
    if (!mapping.ok) throw new CmdbError(CmdbErrorCode.ImportNotKubernetesList, 'list is not a Kubernetes List', { errors: mapping.errors });
    const { batch } = mapping;
    const uids = new Set(batch.uids);
    return this.engine.run({
      source: KUBERNETES_SOURCE,
      kind: 'kubernetes',
      scope: request.cluster,
      actor,
      items: batch.items,
      relationships: batch.relationships,
      skipped: Object.values(batch.skipped).reduce((sum, n) => sum + n, 0),
      ...(request.fullSnapshot === false ? {} : { afterRows: (state: RunState) => this.applySnapshot(request.cluster, uids, state) }),
    });
  }

  private async applySnapshot(cluster: string, uids: Set<string>, state: RunState): Promise<void> {
    const ciTable = this.dataSource.getMetadata(Ci).tablePath;
    const members = await this.dataSource.query<Array<{ id: string; uid: string | null; status: string }>>(
      `SELECT id, identifiers ->> 'k8sUid' AS uid, status FROM ${ciTable} WHERE attributes @> $1::jsonb ORDER BY id`,
      [JSON.stringify({ cluster })],
    );
    const gone = members.filter((member) => member.uid !== null && !uids.has(member.uid) && member.status !== 'retired');
    for (const [index, member] of gone.entries()) {
      const outcome = await this.engine.inRowTransaction(async (manager) => {
        const ci = await this.cis.lock(manager, member.id);
        await this.cis.retire(manager, ci, { ...state.context, reason: `gone from the Kubernetes snapshot of ${cluster}` });
        return { outcome: 'retired', ciId: ci.id };
      });
      this.engine.count(state, 'snapshot', index, outcome);
    }

    const clusterCi = state.keys.get(clusterCloudId(cluster));
    const ids = [...members.map((member) => member.id), ...(clusterCi ? [clusterCi] : [])];
    if (ids.length === 0) return;
    const edgeTable = this.dataSource.getMetadata(CiRelationship).tablePath;
    const asserted = await this.dataSource.query<Array<{ id: string; type: string; source_id: string; target_id: string }>>(
      `SELECT id, type, source_id, target_id FROM ${edgeTable} WHERE data_source = $1 AND (source_id = ANY($2::uuid[]) OR target_id = ANY($2::uuid[])) ORDER BY id`,
      [KUBERNETES_SOURCE, ids],
    );
    for (const edge of asserted.filter((e) => !state.edges.has(edgeKey(e.type, e.source_id, e.target_id)))) {
      await this.dataSource.transaction(async (manager) => {
        const relationship = await manager.findOne(CiRelationship, { where: { id: edge.id }, lock: { mode: 'pessimistic_write' } });
        if (!relationship) return;
        await this.relationships.remove(manager, relationship, state.context);
        state.counts.relationshipsRemoved += 1;
      });
    }
  }
}

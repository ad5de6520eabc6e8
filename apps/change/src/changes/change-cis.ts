import { Injectable } from '@nestjs/common';
import { ChangeError, ChangeErrorCode, type CiSummary, CmdbErrorCode, ImpactRpc } from '@itsm/contracts';
import { RpcClient, RpcError } from '@itsm/messaging';

const unique = (ids: readonly string[]): string[] => [...new Set(ids)];

/** Asks the CMDB about the CIs a change names (as the caller, so the CMDB applies its own rules to them). */
@Injectable()
export class ChangeCis {
  constructor(private readonly rpc: RpcClient) {}

  /**
   * The CIs with their class and criticality, in the order asked. Ids the CMDB does not know are refused with 422
   * `CHANGE_UNKNOWN_CIS` listing them in `details.ciIds`, each under `ciIds`.
   */
  async lookUp(ciIds: readonly string[]): Promise<CiSummary[]> {
    const asked = unique(ciIds);
    if (asked.length === 0) return [];
    try {
      const { roots } = await this.rpc.call(ImpactRpc.analyze, { ciIds: asked, depth: 1 });
      const byId = new Map(roots.map((ci) => [ci.id.toLowerCase(), ci]));
      return asked.map((id) => byId.get(id.toLowerCase())).filter((ci): ci is CiSummary => ci !== undefined);
    } catch (error) {
      if (!(error instanceof RpcError) || error.reason !== CmdbErrorCode.ImpactCiNotFound) throw error;
      const missing = new Set(((error.details as { missing?: string[] } | undefined)?.missing ?? []).map((id) => id.toLowerCase()));
      throw unknownCis(asked.filter((id) => missing.has(id.toLowerCase())));
    }
  }
}

export function unknownCis(ciIds: readonly string[]): ChangeError {
  return new ChangeError(ChangeErrorCode.UnknownCis, `the CMDB has no CI with id ${ciIds.join(', ')}`, {
    ciIds: [...ciIds],
    errors: ciIds.map((id) => ({ field: 'ciIds', message: `no CI with id ${id}` })),
  });
}

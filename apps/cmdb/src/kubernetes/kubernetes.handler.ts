import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { type ImportResult, ImportRpc, type KubernetesImportRequest } from '@itsm/contracts';
import { currentActor, RpcHandler } from '@itsm/messaging';
import { KubernetesImportService } from './kubernetes-import.service';

/** NATS RPC of Kubernetes discovery. */
@Controller()
export class KubernetesHandler {
  constructor(private readonly kubernetes: KubernetesImportService) {}

  @RpcHandler(ImportRpc.kubernetes)
  importKubernetes(@Payload() request: KubernetesImportRequest): Promise<ImportResult> {
    return this.kubernetes.run(request, currentActor());
  }
}

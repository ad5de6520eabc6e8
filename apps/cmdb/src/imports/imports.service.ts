import { Injectable } from '@nestjs/common';
import type { Actor, ImportResult, RunImportRequest } from '@itsm/contracts';
import { ImportEngine } from './import-engine';

/** Batch imports from a named source (discovery tools, spreadsheets, other CMDBs). */
@Injectable()
export class ImportsService {
  constructor(private readonly engine: ImportEngine) {}

  run(request: RunImportRequest, actor: Actor): Promise<ImportResult> {
    return this.engine.run({ source: request.source, kind: 'batch', scope: null, actor, items: request.items, relationships: request.relationships ?? [] });
  }
}

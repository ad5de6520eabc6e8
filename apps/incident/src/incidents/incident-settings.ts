import { Inject, Injectable } from '@nestjs/common';
import { SERVICE_CONFIG } from '@itsm/runtime';
import type { IncidentConfig } from '../config';
import { type PriorityMatrix, parsePriorityMatrix } from '@itsm/contracts';

/** The settings of opening and changing incidents that need parsing, parsed once at start. */
@Injectable()
export class IncidentSettings {
  /** PRIORITY_MATRIX: impact × urgency → priority. */
  readonly priorityMatrix: PriorityMatrix;

  constructor(@Inject(SERVICE_CONFIG) config: IncidentConfig) {
    this.priorityMatrix = parsePriorityMatrix(config.PRIORITY_MATRIX);
  }
}

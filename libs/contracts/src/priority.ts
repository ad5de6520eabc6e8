import { type Impact, Priority, type Urgency } from './incident/incident.enums';

/** Rows: impact 1..3; columns: urgency 1..3. */
export type PriorityMatrix = readonly [readonly [Priority, Priority, Priority], readonly [Priority, Priority, Priority], readonly [Priority, Priority, Priority]];

/**
 * The ITIL impact × urgency matrix (the default of most service desks):
 *
 *                 urgency 1 high  2 medium  3 low
 *   impact 1 high         P1      P2        P3
 *          2 medium       P2      P3        P4
 *          3 low          P3      P4        P5
 */
export const ITIL_PRIORITY_MATRIX: PriorityMatrix = [
  [Priority.P1, Priority.P2, Priority.P3],
  [Priority.P2, Priority.P3, Priority.P4],
  [Priority.P3, Priority.P4, Priority.P5],
];

export const PRIORITY_MATRIX_FORMAT = /^P[1-5],P[1-5],P[1-5];P[1-5],P[1-5],P[1-5];P[1-5],P[1-5],P[1-5]$/;

/** `P1,P2,P3;P2,P3,P4;P3,P4,P5` (one row per impact, one column per urgency) → a matrix. */
export function parsePriorityMatrix(text: string): PriorityMatrix {
  if (!PRIORITY_MATRIX_FORMAT.test(text)) throw new Error(`priority matrix must look like P1,P2,P3;P2,P3,P4;P3,P4,P5, not ${text}`);
  const rows = text.split(';').map((row) => row.split(',') as [Priority, Priority, Priority]);
  return rows as unknown as PriorityMatrix;
}

export function formatPriorityMatrix(matrix: PriorityMatrix): string {
  return matrix.map((row) => row.join(',')).join(';');
}

export function priorityOf(impact: Impact, urgency: Urgency, matrix: PriorityMatrix = ITIL_PRIORITY_MATRIX): Priority {
  const priority = matrix[impact - 1]?.[urgency - 1];
  if (!priority) throw new RangeError(`impact ${impact} and urgency ${urgency} must be 1, 2 or 3`);
  return priority;
}

/** 1 for P1 … 5 for P5. */
export function priorityRank(priority: Priority): number {
  return Number(priority.slice(1));
}

/** `steps` levels more urgent, never beyond P1. */
export function raisePriority(priority: Priority, steps: number): Priority {
  return `P${Math.max(1, priorityRank(priority) - Math.max(0, steps))}` as Priority;
}

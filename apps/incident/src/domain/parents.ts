import { IncidentError, IncidentErrorCode, type IncidentState } from '@itsm/contracts';
import { OPEN_STATES } from './incident-lifecycle';

/** One incident of a chain of parents: the would-be parent first, then its parent, and so on up. */
export interface AncestorLink {
  id: string;
  state: IncidentState;
}

/**
 * Whether `parentId` may become the parent (of `childId`, when an existing incident is linked): it must exist and be
 * open, and must be neither the child itself nor one of the child's descendants, which would make a cycle.
 * `ancestors` is the chain of parents read from the database starting at `parentId` (empty when it does not exist).
 */
export function assertCanBeParent(parentId: string, childId: string | undefined, ancestors: readonly AncestorLink[]): void {
  if (parentId === childId) {
    throw new IncidentError(IncidentErrorCode.OwnParent, 'an incident cannot be its own parent', { errors: [{ field: 'parentId', message: 'is the incident itself' }] });
  }
  const parent = ancestors.find((ancestor) => ancestor.id === parentId);
  if (!parent) {
    throw new IncidentError(IncidentErrorCode.ParentNotFound, `parent incident ${parentId} not found`, { errors: [{ field: 'parentId', message: 'no such incident' }] });
  }
  if (!OPEN_STATES.includes(parent.state)) {
    throw new IncidentError(IncidentErrorCode.ParentNotOpen, `parent incident is ${parent.state}; only open incidents take children`, {
      errors: [{ field: 'parentId', message: `is ${parent.state}` }],
    });
  }
  if (childId !== undefined && ancestors.some((ancestor) => ancestor.id === childId)) {
    throw new IncidentError(IncidentErrorCode.ParentCycle, 'linking would make a cycle of parents', { errors: [{ field: 'parentId', message: 'is a descendant of the incident' }] });
  }
}

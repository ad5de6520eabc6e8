import fc from 'fast-check';
import { DomainError, ErrorCode, IncidentErrorCode, IncidentState } from '@itsm/contracts';
import { FINAL_STATES, OPEN_STATES } from './incident-lifecycle';
import { type AncestorLink, assertCanBeParent } from './parents';

const S = IncidentState;

function refusal(run: () => unknown): DomainError {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a refusal, but the link was allowed');
}

/** A chain of parents as the database returns it: the would-be parent first, then upwards. */
const chain = (...links: Array<[string, IncidentState]>): AncestorLink[] => links.map(([id, state]) => ({ id, state }));

describe('parents of incidents', () => {
  it('takes an open incident as the parent of a new one', () => {
    for (const state of OPEN_STATES) expect(() => assertCanBeParent('p', undefined, chain(['p', state]))).not.toThrow();
  });

  it('takes an open parent for an existing incident that is not above it', () => {
    expect(() => assertCanBeParent('p', 'c', chain(['p', S.InProgress], ['g', S.New]))).not.toThrow();
  });

  it('refuses an incident as its own parent, before anything else', () => {
    const error = refusal(() => assertCanBeParent('c', 'c', []));
    expect(error).toMatchObject({ code: ErrorCode.CONFLICT, reason: IncidentErrorCode.OwnParent, message: 'an incident cannot be its own parent' });
    expect(error.details?.errors).toEqual([{ field: 'parentId', message: 'is the incident itself' }]);
  });

  it('refuses a parent that does not exist as unprocessable, naming parentId', () => {
    const error = refusal(() => assertCanBeParent('p', undefined, []));
    expect(error).toMatchObject({ code: ErrorCode.UNPROCESSABLE, reason: IncidentErrorCode.ParentNotFound, message: 'parent incident p not found' });
    expect(error.details?.errors).toEqual([{ field: 'parentId', message: 'no such incident' }]);
  });

  it.each([...FINAL_STATES, S.Resolved])('refuses a %s parent: only open incidents take children', (state) => {
    const error = refusal(() => assertCanBeParent('p', 'c', chain(['p', state])));
    expect(error).toMatchObject({ code: ErrorCode.CONFLICT, reason: IncidentErrorCode.ParentNotOpen });
    expect(error.details?.errors).toEqual([{ field: 'parentId', message: `is ${state}` }]);
  });

  it('refuses to link an incident under one of its descendants', () => {
    const error = refusal(() => assertCanBeParent('grandchild', 'c', chain(['grandchild', S.New], ['child', S.New], ['c', S.InProgress])));
    expect(error).toMatchObject({ code: ErrorCode.CONFLICT, reason: IncidentErrorCode.ParentCycle, message: 'linking would make a cycle of parents' });
    expect(error.details?.errors).toEqual([{ field: 'parentId', message: 'is a descendant of the incident' }]);
  });

  it('never lets a link close a cycle, however long the chain', () => {
    const ids = fc.uniqueArray(fc.uuid(), { minLength: 1, maxLength: 12 });
    fc.assert(
      fc.property(ids, fc.nat(), fc.constantFrom(...OPEN_STATES), (chainIds, pick, state) => {
        const ancestors = chain(...chainIds.map((id): [string, IncidentState] => [id, state]));
        const parentId = chainIds[0] as string;
        // Any incident up the chain, made a child of the chain's start, would be its own ancestor.
        const child = chainIds[pick % chainIds.length] as string;
        const error = refusal(() => assertCanBeParent(parentId, child, ancestors));
        expect(error.reason).toBe(child === parentId ? IncidentErrorCode.OwnParent : IncidentErrorCode.ParentCycle);
      }),
    );
  });

  it('links any incident that is not up the chain of an open parent', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.uuid(), { minLength: 2, maxLength: 12 }), fc.constantFrom(...OPEN_STATES), (allIds, state) => {
        const [child, ...chainIds] = allIds as [string, ...string[]];
        const ancestors = chain(...chainIds.map((id): [string, IncidentState] => [id, state]));
        expect(() => assertCanBeParent(chainIds[0] as string, child, ancestors)).not.toThrow();
      }),
    );
  });
});

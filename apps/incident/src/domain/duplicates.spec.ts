import fc from 'fast-check';
import { type Actor, IncidentState, Role } from '@itsm/contracts';
import { type DuplicateCandidate, duplicateCriteria, type DuplicateSubject, isPossibleDuplicate, meetsDuplicateCriteria } from './duplicates';
import { OPEN_STATES } from './incident-lifecycle';

const S = IncidentState;
const NOW = new Date('2024-03-01T12:00:00.000Z');
const MINUTE = 60_000;
const CI_A = '5e0b7c1a-2f3d-4e5f-8a9b-0c1d2e3f4a5b';
const CI_B = '6f1c8d2b-3a4e-4f5a-9b0c-1d2e3f4a5b6c';
const alice: Actor = { sub: 'alice', roles: [Role.Requester] };
const bob: Actor = { sub: 'bob', roles: [Role.Requester] };
const sam: Actor = { sub: 'sam', roles: [Role.Agent] };

function buildSubject(overrides: Partial<DuplicateSubject> = {}): DuplicateSubject {
  return { id: 'new', category: 'network', ciIds: [CI_A], ...overrides };
}

function buildCandidate(overrides: Partial<DuplicateCandidate> = {}): DuplicateCandidate {
  return { id: 'earlier', category: 'network', ciIds: [CI_A], callerId: 'alice', state: S.New, createdAt: new Date(NOW.getTime() - 5 * MINUTE), ...overrides };
}

describe('possible duplicates', () => {
  it('searches open incidents of the same category sharing a CI within the window', () => {
    expect(duplicateCriteria(buildSubject({ ciIds: [CI_A, CI_B] }), 60, sam)).toEqual({
      excludeId: 'new',
      category: 'network',
      ciIds: [CI_A, CI_B],
      states: OPEN_STATES,
      windowMinutes: 60,
      callerId: null,
    });
  });

  it('does not search without a category, without a CI, or with the window turned off', () => {
    expect(duplicateCriteria(buildSubject({ category: null }), 60, sam)).toBeNull();
    expect(duplicateCriteria(buildSubject({ category: '' }), 60, sam)).toBeNull();
    expect(duplicateCriteria(buildSubject({ ciIds: [] }), 60, sam)).toBeNull();
    expect(duplicateCriteria(buildSubject(), 0, sam)).toBeNull();
  });

  it("offers a requester only their own incidents, never another caller's", () => {
    expect(duplicateCriteria(buildSubject(), 60, bob)).toMatchObject({ callerId: 'bob' });
    expect(isPossibleDuplicate(buildSubject(), buildCandidate({ callerId: 'alice' }), 60, NOW, bob)).toBe(false);
    expect(isPossibleDuplicate(buildSubject(), buildCandidate({ callerId: 'alice' }), 60, NOW, alice)).toBe(true);
  });

  it('offers an agent incidents of every caller', () => {
    expect(duplicateCriteria(buildSubject(), 60, sam)).toMatchObject({ callerId: null });
    expect(isPossibleDuplicate(buildSubject(), buildCandidate({ callerId: 'alice' }), 60, NOW, sam)).toBe(true);
  });

  it('matches the category ignoring case', () => {
    expect(isPossibleDuplicate(buildSubject({ category: 'Network' }), buildCandidate({ category: 'NETWORK' }), 60, NOW, sam)).toBe(true);
  });

  it('needs one shared CI, not all of them', () => {
    expect(isPossibleDuplicate(buildSubject({ ciIds: [CI_A, CI_B] }), buildCandidate({ ciIds: [CI_B] }), 60, NOW, sam)).toBe(true);
    expect(isPossibleDuplicate(buildSubject({ ciIds: [CI_A] }), buildCandidate({ ciIds: [CI_B] }), 60, NOW, sam)).toBe(false);
  });

  it.each([S.Resolved, S.Closed, S.Canceled, S.Merged])('offers no %s incident', (state) => {
    expect(isPossibleDuplicate(buildSubject(), buildCandidate({ state }), 60, NOW, sam)).toBe(false);
  });

  it('offers only incidents opened within the window', () => {
    expect(isPossibleDuplicate(buildSubject(), buildCandidate({ createdAt: new Date(NOW.getTime() - 59 * MINUTE) }), 60, NOW, sam)).toBe(true);
    expect(isPossibleDuplicate(buildSubject(), buildCandidate({ createdAt: new Date(NOW.getTime() - 60 * MINUTE) }), 60, NOW, sam)).toBe(false);
  });

  it('never offers the new incident itself', () => {
    expect(isPossibleDuplicate(buildSubject(), buildCandidate({ id: 'new' }), 60, NOW, sam)).toBe(false);
  });

  it('searches by criteria that find exactly the possible duplicates', () => {
    const ciArb = fc.subarray([CI_A, CI_B, '7a2d9e3c-4b5f-4a6b-8c1d-2e3f4a5b6c7d']);
    const categoryArb = fc.option(fc.constantFrom('network', 'Network', 'NETWORK', 'hardware', ''), { nil: null });
    const idArb = fc.constantFrom('new', 'earlier');
    const subjectArb = fc.record({ id: fc.constant('new'), category: categoryArb, ciIds: ciArb });
    const candidateArb = fc.record({
      id: idArb,
      category: categoryArb,
      ciIds: ciArb,
      callerId: fc.constantFrom('alice', 'bob'),
      state: fc.constantFrom(...Object.values(IncidentState)),
      createdAt: fc.integer({ min: -120, max: 5 }).map((minutes) => new Date(NOW.getTime() + minutes * MINUTE)),
    });
    fc.assert(
      fc.property(subjectArb, candidateArb, fc.integer({ min: 0, max: 120 }), fc.constantFrom<Actor>(sam, alice, bob), (subject, candidate, window, actor) => {
        const criteria = duplicateCriteria(subject, window, actor);
        const found = criteria !== null && meetsDuplicateCriteria(criteria, candidate, NOW);
        expect(found).toBe(isPossibleDuplicate(subject, candidate, window, NOW, actor));
      }),
    );
  });
});

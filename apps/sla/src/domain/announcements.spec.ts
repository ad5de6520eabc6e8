import fc from 'fast-check';
import { ClockAction } from '@itsm/contracts';
import { type Announcement, announcementsOf, correctionFact, entryFact } from './announcements';
import type { HistoryEntry } from './clock-engine';

const HOUR = 3_600_000;
const T0 = Date.parse('2026-11-02T08:00:00Z');

function entry(fields: Partial<HistoryEntry> = {}): HistoryEntry {
  return { action: ClockAction.Started, at: T0, reason: 'state new', elapsedMs: 0, targetMs: 10 * HOUR, dueAt: T0 + 10 * HOUR, ...fields };
}

const started = entry();
const paused = entry({ action: ClockAction.Paused, at: T0 + HOUR, reason: 'state on_hold (awaiting_caller)', elapsedMs: HOUR, dueAt: null });
const resumed = entry({ action: ClockAction.Resumed, at: T0 + 2 * HOUR, reason: 'state in_progress', elapsedMs: HOUR, dueAt: T0 + 11 * HOUR });

/** The history a subscriber holds after it applies the announcements to what it had. */
function apply(announced: readonly HistoryEntry[], announcements: readonly Announcement[]): HistoryEntry[] {
  const history = [...announced];
  for (const announcement of announcements) {
    if (announcement.kind === 'entry') history[announcement.index] = announcement.entry;
    else if (announcement.current !== null) history[announcement.index] = announcement.current;
    else history.length = Math.min(history.length, announcement.index);
  }
  return history;
}

const key = (parts: readonly (string | number)[]): string => JSON.stringify(parts);

const arbitraryEntry: fc.Arbitrary<HistoryEntry> = fc.record({
  action: fc.constantFrom(...Object.values(ClockAction)),
  at: fc.integer({ min: T0, max: T0 + 100 * HOUR }),
  reason: fc.constantFrom('state new', 'state on_hold (awaiting_caller)', 'priority P1', 'resolved'),
  elapsedMs: fc.integer({ min: 0, max: 20 * HOUR }),
  targetMs: fc.constantFrom(HOUR, 4 * HOUR, 10 * HOUR),
  dueAt: fc.option(fc.integer({ min: T0, max: T0 + 200 * HOUR }), { nil: null }),
});
const history = fc.array(arbitraryEntry, { maxLength: 6 });
/** A stored history and a rebuilt one that shares some of it: a few entries kept, some changed, some added or dropped. */
const pair = history.chain((stored) =>
  fc.tuple(
    fc.constant(stored),
    fc.tuple(fc.array(fc.boolean(), { minLength: stored.length, maxLength: stored.length }), fc.array(arbitraryEntry, { minLength: stored.length, maxLength: stored.length }), fc.nat({ max: stored.length }), history).map(
      ([keep, replacements, cut, tail]) => [...stored.map((old, index) => (keep[index] ? old : (replacements[index] as HistoryEntry))).slice(0, cut), ...tail],
    ),
  ),
);

describe('announcements of a rebuilt clock history', () => {
  it('announces nothing when the rebuilt history equals the announced one, whatever the key order of stored entries', () => {
    const reordered = JSON.parse(JSON.stringify({ dueAt: started.dueAt, targetMs: started.targetMs, elapsedMs: 0, reason: started.reason, at: started.at, action: started.action })) as HistoryEntry;
    expect(announcementsOf([reordered, paused], [started, paused])).toEqual([]);
  });

  it('announces the entries past the announced ones under the fact of their index', () => {
    expect(announcementsOf([started], [started, paused, resumed])).toEqual([
      { kind: 'entry', index: 1, entry: paused, fact: ['history', 1] },
      { kind: 'entry', index: 2, entry: resumed, fact: ['history', 2] },
    ]);
  });

  it('corrects an announced entry that reads differently, naming the entry and never announcing it again', () => {
    const retargeted = entry({ targetMs: HOUR, dueAt: T0 + HOUR });
    const announcements = announcementsOf([started, paused], [retargeted, paused]);
    expect(announcements).toEqual([{ kind: 'correction', index: 0, previous: started, current: retargeted, fact: correctionFact(0, 1), corrects: ['history', 0] }]);
  });

  it('retracts announced entries the rebuilt history no longer has', () => {
    expect(announcementsOf([started, paused, resumed], [started])).toEqual([
      { kind: 'correction', index: 1, previous: paused, current: null, fact: ['history', 1, 'corrected', 1], corrects: ['history', 1] },
      { kind: 'correction', index: 2, previous: resumed, current: null, fact: ['history', 2, 'corrected', 2], corrects: ['history', 2] },
    ]);
  });

  it('gives a correction worked out again from the same state the same fact, and every later correction a new one, even back and forth', () => {
    const oneHour = entry({ targetMs: HOUR, dueAt: T0 + HOUR });
    const first = announcementsOf([started], [oneHour], 0)[0]?.fact;
    expect(announcementsOf([started], [{ ...oneHour }], 0)[0]?.fact).toEqual(first);
    const back = announcementsOf([oneHour], [started], 1)[0]?.fact;
    const again = announcementsOf([started], [oneHour], 2)[0]?.fact;
    expect([first, back, again]).toEqual([correctionFact(0, 1), correctionFact(0, 2), correctionFact(0, 3)]);
  });

  it('leaves the subscriber with the rebuilt history when it applies the announcements to the announced one', () => {
    fc.assert(
      fc.property(pair, ([stored, rebuilt]) => {
        expect(apply(stored, announcementsOf(stored, rebuilt))).toEqual(rebuilt);
      }),
    );
  });

  it('names each fact at most once, never the fact of an announced entry, and nothing for an unchanged history', () => {
    fc.assert(
      fc.property(pair, ([stored, rebuilt]) => {
        const facts = announcementsOf(stored, rebuilt).map((announcement) => key(announcement.fact));
        expect(new Set(facts).size).toBe(facts.length);
        for (const index of stored.keys()) expect(facts).not.toContain(key(entryFact(index)));
        expect(announcementsOf(rebuilt, rebuilt)).toEqual([]);
      }),
    );
  });

  it('corrects exactly the announced indexes whose entries differ, each naming the entry it corrects', () => {
    fc.assert(
      fc.property(pair, ([stored, rebuilt]) => {
        const corrections = announcementsOf(stored, rebuilt).filter((announcement) => announcement.kind === 'correction');
        const differing = stored.flatMap((old, index) => (JSON.stringify(old) === JSON.stringify(rebuilt[index] ?? null) ? [] : [index]));
        expect(corrections.map((correction) => correction.index)).toEqual(differing);
        for (const correction of corrections) expect(correction.corrects).toEqual(entryFact(correction.index));
      }),
    );
  });
});

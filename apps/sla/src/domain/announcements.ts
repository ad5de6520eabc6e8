/**
 * What the SLA service announces about a clock, and under which fact: every announcement names the fact it states
 * (entry 2 of clock C; its 75 % warning), and its event id is derived from that name alone. A rebuild that finds
 * the same entry announces nothing; one that finds an entry changed announces a correction of it, never the entry
 * again under a new id with other values.
 */
import { isDeepStrictEqual } from 'node:util';
import type { HistoryEntry } from './clock-engine';

/** The name of a fact about one clock, after the clock's id: the event id is a pure function of clock id and this. */
export type FactKey = readonly (string | number)[];

/** Entry `index` of the clock's history, announced by its lifecycle event (`clock_started`, `achieved` …). */
export const entryFact = (index: number): FactKey => ['history', index];
/** A warning at `percent` of the target: each goes out once, as its alert row says. */
export const warningFact = (percent: number): FactKey => ['warning', percent];
/** The breach of the clock: once, as its alert row says. */
export const breachFact = (): FactKey => ['breached'];
/** The cancellation announced when a rebuild no longer has a clock that was still running. */
export const removedFact = (): FactKey => ['removed'];
/**
 * The `number`-th correction announced for the clock, of its entry `index`. Corrections are numbered per clock (the
 * clock row keeps how many were announced): the same rebuild worked out again from the same stored state gives the
 * same facts, and every later correction is a new fact, even one that puts back a value corrected before.
 */
export const correctionFact = (index: number, number: number): FactKey => ['history', index, 'corrected', number];

/** A history entry to announce with its lifecycle event: it lies past what was announced before. */
export interface EntryAnnouncement {
  kind: 'entry';
  index: number;
  entry: HistoryEntry;
  fact: FactKey;
}

/** An entry announced before that reads differently now (`current`), or is gone (`current` null). */
export interface CorrectionAnnouncement {
  kind: 'correction';
  index: number;
  previous: HistoryEntry;
  current: HistoryEntry | null;
  fact: FactKey;
  /** The fact of the lifecycle event that first announced the entry. */
  corrects: FactKey;
}

export type Announcement = EntryAnnouncement | CorrectionAnnouncement;

// jsonb keeps keys in its own order: compare values, not serializations.
const sameEntry = (a: HistoryEntry, b: HistoryEntry): boolean => isDeepStrictEqual(a, b);

/**
 * What to announce when a clock's history goes from `announced` (as stored, every entry of it announced) to
 * `rebuilt`, in index order: entries at the same index with equal content, nothing; at an index announced with
 * other content, a correction; past the announced ones, the entries themselves; announced entries the rebuilt
 * history no longer has, corrections to nothing. Corrections are numbered after the `corrected` ones the clock
 * announced before.
 */
export function announcementsOf(announced: readonly HistoryEntry[], rebuilt: readonly HistoryEntry[], corrected = 0): Announcement[] {
  const out: Announcement[] = [];
  let number = corrected;
  const length = Math.max(announced.length, rebuilt.length);
  for (let index = 0; index < length; index += 1) {
    const previous = announced[index];
    const current = rebuilt[index];
    if (previous === undefined) {
      if (current !== undefined) out.push({ kind: 'entry', index, entry: current, fact: entryFact(index) });
      continue;
    }
    if (current !== undefined && sameEntry(previous, current)) continue;
    const now = current ?? null;
    out.push({ kind: 'correction', index, previous, current: now, fact: correctionFact(index, (number += 1)), corrects: entryFact(index) });
  }
  return out;
}

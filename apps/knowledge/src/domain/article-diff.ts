import { DiffOp } from '@itsm/contracts';
import { diffLines, diffWordsWithSpace } from 'diff';

/** One run of a diff: text both versions share (`equal`), or that only the newer (`add`) or the older (`remove`) has. */
export interface DiffPart {
  op: DiffOp;
  text: string;
}

/** What a diff compares of a version. */
export interface VersionText {
  title: string;
  body: string;
}

export interface VersionDiff {
  title: DiffPart[];
  body: DiffPart[];
}

/**
 * The differences from version `a` to version `b`: the body line by line (Markdown is written in lines), the title word
 * by word (a title is one line, so a line diff would only say "replaced"). Joining the `equal` and `add` parts gives
 * `b`; joining the `equal` and `remove` parts gives `a`.
 */
export function diffVersions(a: VersionText, b: VersionText): VersionDiff {
  return { title: toParts(diffWordsWithSpace(a.title, b.title)), body: toParts(diffLines(a.body, b.body)) };
}

/** The text of one side of a diff: `b` for `add`, `a` for `remove`. */
export function sideOf(parts: readonly DiffPart[], side: DiffOp.Add | DiffOp.Remove): string {
  return parts
    .filter((part) => part.op === DiffOp.Equal || part.op === side)
    .map((part) => part.text)
    .join('');
}

function toParts(changes: readonly { value: string; added: boolean; removed: boolean }[]): DiffPart[] {
  return changes
    .filter((change) => change.value !== '')
    .map((change) => ({ op: change.added ? DiffOp.Add : change.removed ? DiffOp.Remove : DiffOp.Equal, text: change.value }));
}

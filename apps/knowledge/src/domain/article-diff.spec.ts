import fc from 'fast-check';
import { DiffOp } from '@itsm/contracts';
import { diffVersions, sideOf } from './article-diff';

describe('diffVersions', () => {
  it('diffs the body line by line', () => {
    const diff = diffVersions({ title: 'Printer', body: 'Step 1\nStep 2\nStep 3\n' }, { title: 'Printer', body: 'Step 1\nStep 2b\nStep 3\n' });
    expect(diff.body).toEqual([
      { op: DiffOp.Equal, text: 'Step 1\n' },
      { op: DiffOp.Remove, text: 'Step 2\n' },
      { op: DiffOp.Add, text: 'Step 2b\n' },
      { op: DiffOp.Equal, text: 'Step 3\n' },
    ]);
  });

  it('diffs the title word by word', () => {
    expect(diffVersions({ title: 'Printer jams on tray 2', body: '' }, { title: 'Printer jams on tray 3', body: '' }).title).toEqual([
      { op: DiffOp.Equal, text: 'Printer jams on tray ' },
      { op: DiffOp.Remove, text: '2' },
      { op: DiffOp.Add, text: '3' },
    ]);
  });

  it('gives one equal part for an unchanged text and none for an empty one', () => {
    expect(diffVersions({ title: 'Same', body: '' }, { title: 'Same', body: '' })).toEqual({ title: [{ op: DiffOp.Equal, text: 'Same' }], body: [] });
  });

  it('gives only additions from an empty version', () => {
    expect(diffVersions({ title: '', body: '' }, { title: 'New', body: 'a\nb' })).toEqual({ title: [{ op: DiffOp.Add, text: 'New' }], body: [{ op: DiffOp.Add, text: 'a\nb' }] });
  });

  describe('properties', () => {
    const lineArb = fc.constantFrom('', 'Restart the spooler.', 'Check the cable.', '## Cause', '  indented', 'tab\there', 'é ünïcode 🖨');
    const bodyArb = fc.oneof(
      fc.array(lineArb, { maxLength: 12 }).map((lines) => lines.join('\n')),
      fc.array(lineArb, { maxLength: 12 }).map((lines) => lines.join('\r\n')),
      fc.string({ maxLength: 120 }),
      fc.string({ unit: 'binary', maxLength: 60 }),
    );
    const titleArb = fc.oneof(fc.array(fc.constantFrom('Printer', 'jams', 'on', 'tray', '2', ' ', '  ', '-', 'VPN'), { maxLength: 10 }).map((w) => w.join(' ')), fc.string({ maxLength: 40 }));
    const versionArb = fc.record({ title: titleArb, body: bodyArb });

    it('rebuilds b from the equal and added parts and a from the equal and removed parts', () => {
      fc.assert(
        fc.property(versionArb, versionArb, (a, b) => {
          const diff = diffVersions(a, b);
          expect(sideOf(diff.title, DiffOp.Add)).toBe(b.title);
          expect(sideOf(diff.title, DiffOp.Remove)).toBe(a.title);
          expect(sideOf(diff.body, DiffOp.Add)).toBe(b.body);
          expect(sideOf(diff.body, DiffOp.Remove)).toBe(a.body);
        }),
        { numRuns: 500 },
      );
    });

    it('reports no change between a version and itself, and never an empty part', () => {
      fc.assert(
        fc.property(versionArb, versionArb, (a, b) => {
          const same = diffVersions(a, a);
          expect([...same.title, ...same.body].every((part) => part.op === DiffOp.Equal)).toBe(true);
          const diff = diffVersions(a, b);
          expect([...diff.title, ...diff.body].every((part) => part.text !== '')).toBe(true);
        }),
      );
    });
  });
});

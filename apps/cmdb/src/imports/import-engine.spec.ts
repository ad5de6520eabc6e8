import type { ImportRowResult } from '@itsm/contracts';
import { fitRows } from './import-engine';

const created = (index: number): ImportRowResult => ({ kind: 'item', index, outcome: 'created', ciId: '6f1d3c2a-8b4e-4f6a-9c1d-2e3f4a5b6c71' });
const error = (index: number): ImportRowResult => ({ kind: 'item', index, outcome: 'error', errors: [{ field: 'attributes.cpuCount', message: 'must be integer' }] });

describe('rows of an import reply', () => {
  it('keeps every row when they fit', () => {
    const rows = [created(0), error(1)];
    expect(fitRows(rows)).toEqual({ rows });
  });

  it('keeps errors and conflicts first when the rows do not fit, and says how many were left out', () => {
    const rows = [...Array.from({ length: 50 }, (_, i) => created(i)), error(50), error(51)];
    const size = (row: ImportRowResult): number => JSON.stringify(row).length + 1;
    const fitted = fitRows(rows, size(error(50)) * 2 + size(created(0)) * 3);
    expect(fitted.rows.map((row) => row.index)).toEqual([50, 51, 0, 1, 2]);
    expect(fitted.rowsLeftOut).toBe(47);
  });
});

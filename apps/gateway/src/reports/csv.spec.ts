import { parse } from 'csv-parse/sync';
import { csvCell, csvFileName, reportFormatFor, reportNameOf, rowsWithFigures, toCsv, valueAt } from './csv';

/** A CSV text read back by a real parser, every record as its list of fields. */
function parsed(csv: string): string[][] {
  return parse(csv, { record_delimiter: '\r\n' }) as string[][];
}

describe('CSV of a report', () => {
  it('writes a header row and one record per row, each line ended by CRLF', () => {
    const csv = toCsv(['key', 'total'], [
      { key: 'P1', total: 3 },
      { key: 'P2', total: 0 },
    ]);

    expect(csv).toBe('key,total\r\nP1,3\r\nP2,0\r\n');
  });

  it('writes only the header row for a report without rows', () => {
    expect(toCsv(['key', 'total'], [])).toBe('key,total\r\n');
  });

  it('quotes commas, quotes and line breaks so that a parser reads the text back unchanged', () => {
    const texts = ['Mail, calendar and chat', 'The "VPN" client', 'line one\nline two', 'carriage\r\nreturn', '', 'Zürich – 東京 😀'];

    const csv = toCsv(['text'], texts.map((text) => ({ text })));

    expect(parsed(csv)).toEqual([['text'], ...texts.map((text) => [text])]);
    expect(csv).toContain('"The ""VPN"" client"');
  });

  it.each(['=HYPERLINK("http://evil.example","click")', '+1+2', '-2+3', '@SUM(A1:A2)', '\tcmd', '\rcmd'])('starts the text %j with a quote, so that a spreadsheet shows it instead of running it', (text) => {
    const [, [cell] = []] = parsed(toCsv(['text'], [{ text }]));

    expect(cell).toBe(`'${text}`);
  });

  it('writes numbers as numbers, a negative one too, and leaves text that only contains a formula character alone', () => {
    expect([csvCell(-3600), csvCell(0.1818), csvCell('a=b'), csvCell('user@example.com')]).toEqual(['-3600', '0.1818', 'a=b', 'user@example.com']);
  });

  it('writes null as an empty cell, booleans as true and false, and a list of values as one cell separated by spaces', () => {
    expect([csvCell(null), csvCell(undefined), csvCell(true), csvCell(false), csvCell(['a', 'b', 3])]).toEqual(['', '', 'true', 'false', 'a b 3']);
  });

  it('reads nested groups of a row through dotted column names', () => {
    const row = { metric: 'mtta', business: { mean: 900, p90: null }, wall: { mean: 1500 } };

    expect(toCsv(['metric', 'business.mean', 'business.p90', 'wall.mean', 'wall.p90'], [row])).toBe('metric,business.mean,business.p90,wall.mean,wall.p90\r\nmtta,900,,1500,\r\n');
    expect(valueAt(row, 'business.missing.deeper')).toBeUndefined();
  });

  it('puts the report’s own figures beside each row of its list, or alone in one row when the list is empty', () => {
    expect(rowsWithFigures([{ type: 'normal', count: 2 }], { total: 2 })).toEqual([{ type: 'normal', count: 2, total: 2 }]);
    expect(rowsWithFigures([], { total: 0 })).toEqual([{ total: 0 }]);
  });
});

describe('the format a report is answered in', () => {
  it.each([
    [undefined, 'json'],
    ['', 'json'],
    ['*/*', 'json'],
    ['application/json', 'json'],
    ['application/*', 'json'],
    ['application/json, text/csv', 'json'],
    ['text/csv', 'csv'],
    ['text/csv; charset=utf-8', 'csv'],
    ['TEXT/CSV', 'csv'],
    ['text/*', 'csv'],
    ['text/csv, application/json;q=0.5', 'csv'],
    ['application/json;q=0.4, text/csv;q=0.8', 'csv'],
    ['text/csv;q=0.2, */*', 'json'],
    ['text/csv;q=0, */*', 'json'],
    ['*/*, application/json;q=0', 'csv'],
  ] as const)('answers Accept %j with %s', (accept, format) => {
    expect(reportFormatFor(accept)).toBe(format);
  });

  it.each(['application/xml', 'text/html, application/pdf', 'text/csv;q=0', 'application/json;q=0, text/csv;q=0', 'application/problem+json'])('answers Accept %j with nothing: 406', (accept) => {
    expect(reportFormatFor(accept)).toBeUndefined();
  });
});

describe('names of reports and their files', () => {
  it('names a report by its path under /v1/reports', () => {
    expect([reportNameOf('/v1/reports/sla/compliance'), reportNameOf('/v1/reports/problems/time-to-root-cause/')]).toEqual(['sla-compliance', 'problems-time-to-root-cause']);
  });

  it('names the file by the report and its period in UTC, without characters a file system refuses', () => {
    expect(csvFileName('sla-compliance', '2026-11-01T01:00:00+01:00', '2026-12-01T00:00:00.000Z')).toBe('sla-compliance-20261101T000000Z-20261201T000000Z.csv');
    expect(csvFileName('knowledge-low-helpfulness')).toBe('knowledge-low-helpfulness.csv');
  });
});

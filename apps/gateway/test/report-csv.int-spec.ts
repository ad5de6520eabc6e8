/**
 * Reports as JSON and CSV, and the index of reports, over HTTP: the gateway in-process on a real NATS, a stand-in
 * answering the report RPCs of the SLA, problem, change and knowledge services. The CSV is read back with a real
 * parser (csv-parse) and held against the JSON of the same report.
 */
import { randomUUID } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { connect, type NatsConnection } from 'nats';
import { ChangeRpc, CommonErrorCode, ErrorCode, KnowledgeRpc, ProblemRpc, Role, type RpcDeclaration, SlaRpc } from '@itsm/contracts';
import { mintToken, testNatsOptions } from '@itsm/testing';
import { type Gateway } from '../src/gateway';
import type { ReportIndex } from '../src/reports/report-index.dto';
import { RpcResponder } from './rpc-responder';
import { expectProblem, startGateway } from './support/listening-gateway';
import { ServedSchema } from './support/served-schema';

const mia = mintToken({ sub: 'mia', roles: [Role.Manager] });
const audrey = mintToken({ sub: 'audrey', roles: [Role.Auditor] });
const sam = mintToken({ sub: 'sam', roles: [Role.Agent] });
const alice = mintToken({ sub: 'alice', roles: [Role.Requester] });

const FROM = '2026-11-01T00:00:00.000Z';
const TO = '2026-12-01T00:00:00.000Z';
const PERIOD_QUERY = 'from=2026-11-01T00:00:00Z&to=2026-12-01T00:00:00Z';
const PERIOD_FILE = '20261101T000000Z-20261201T000000Z';

/** Texts a spreadsheet would run, or that break a naive CSV writer: commas, quotes, line breaks, formulas. */
const FORMULA = '=HYPERLINK("http://evil.example/?a=1,2","Open")';
const MULTILINE = 'Mail queue stalls,\r\nagain "every" morning\nand evening';
const AT_FORMULA = '@SUM(1+1)*cmd|" /C calc"!A0';
const PLUS_FORMULA = '+44 20 7946 0958';
const MINUS_FORMULA = '-1+1';
const TAB_FORMULA = '\tindented';
/** What a spreadsheet gets for a text starting like a formula: the same text after a quote. */
const shown = (text: string): string => `'${text}`;

const policyId = randomUUID();
const problemId = randomUUID();
const otherProblemId = randomUUID();
const knownErrorId = randomUUID();
const ciId = randomUUID();
const changeId = randomUUID();
const articleId = randomUUID();
const clockId = randomUUID();
const ticketId = randomUUID();
const incidentA = randomUUID();
const incidentB = randomUUID();

interface ReportCase {
  label: string;
  url: string;
  rpc: RpcDeclaration;
  /** What the service answers, and so the JSON the gateway must pass on. */
  body: object;
  /** The CSV file name the answer names. */
  file: string;
  /** The records of the CSV, worked out by hand from `body`: header names as keys, in column order. */
  records: Array<Record<string, string>>;
}

const REPORTS: ReportCase[] = [
  {
    label: 'SLA compliance',
    url: `/v1/reports/sla/compliance?${PERIOD_QUERY}`,
    rpc: SlaRpc.complianceReport,
    body: {
      from: FROM,
      to: TO,
      groupBy: 'policy',
      rows: [
        { key: policyId, label: FORMULA, total: 3, achieved: 2, breached: 1, compliancePercent: 66.7 },
        { key: null, label: null, total: 0, achieved: 0, breached: 0, compliancePercent: null },
      ],
      overall: { key: null, label: null, total: 3, achieved: 2, breached: 1, compliancePercent: 66.7 },
    },
    file: `sla-compliance-${PERIOD_FILE}.csv`,
    records: [
      { groupBy: 'policy', key: policyId, label: shown(FORMULA), total: '3', achieved: '2', breached: '1', compliancePercent: '66.7' },
      { groupBy: 'policy', key: '', label: '', total: '0', achieved: '0', breached: '0', compliancePercent: '' },
      { groupBy: 'overall', key: '', label: '', total: '3', achieved: '2', breached: '1', compliancePercent: '66.7' },
    ],
  },
  {
    label: 'SLA response times',
    url: `/v1/reports/sla/response-times?${PERIOD_QUERY}`,
    rpc: SlaRpc.responseTimesReport,
    body: {
      from: FROM,
      to: TO,
      mtta: { count: 4, business: { mean: 900, p90: 1800.5 }, wall: { mean: 1200, p90: 2400 } },
      mttr: { count: 0, business: { mean: null, p90: null }, wall: { mean: null, p90: null } },
    },
    file: `sla-response-times-${PERIOD_FILE}.csv`,
    records: [
      { metric: 'mtta', count: '4', 'business.mean': '900', 'business.p90': '1800.5', 'wall.mean': '1200', 'wall.p90': '2400' },
      { metric: 'mttr', count: '0', 'business.mean': '', 'business.p90': '', 'wall.mean': '', 'wall.p90': '' },
    ],
  },
  {
    label: 'SLA breaches',
    url: `/v1/reports/sla/breaches?${PERIOD_QUERY}&limit=1`,
    rpc: SlaRpc.breachesReport,
    body: {
      items: [
        {
          id: clockId,
          ticketType: 'incident',
          ticketId,
          ticketNumber: 'INC0001001',
          policyId,
          policyName: MULTILINE,
          kind: 'sla',
          metric: 'resolution',
          cycle: 1,
          calendarId: '24x7',
          state: 'breached',
          active: false,
          paused: false,
          breached: true,
          targetSeconds: 14400,
          elapsedSeconds: 18000,
          remainingSeconds: -3600,
          startedAt: '2026-11-02T09:30:00.000Z',
          dueAt: null,
          stoppedAt: '2026-11-02T14:30:00.000Z',
          history: [{ at: '2026-11-02T09:30:00.000Z', action: 'started' }],
          alerts: [],
        },
      ],
      nextCursor: 'b64:next/page+1',
    },
    file: `sla-breaches-${PERIOD_FILE}.csv`,
    records: [
      {
        id: clockId,
        ticketType: 'incident',
        ticketId,
        ticketNumber: 'INC0001001',
        policyId,
        policyName: MULTILINE,
        kind: 'sla',
        metric: 'resolution',
        cycle: '1',
        calendarId: '24x7',
        state: 'breached',
        active: 'false',
        paused: 'false',
        targetSeconds: '14400',
        elapsedSeconds: '18000',
        remainingSeconds: '-3600',
        startedAt: '2026-11-02T09:30:00.000Z',
        dueAt: '',
        stoppedAt: '2026-11-02T14:30:00.000Z',
      },
    ],
  },
  {
    label: 'recurring incidents',
    url: `/v1/reports/problems/recurring?${PERIOD_QUERY}`,
    rpc: ProblemRpc.recurringReport,
    body: {
      from: FROM,
      to: TO,
      categories: [
        { category: MULTILINE, incidents: 42, problems: 3 },
        { category: null, incidents: 5, problems: 0 },
      ],
      cis: [{ ciId, incidents: 17, problems: 1 }],
    },
    file: `problems-recurring-${PERIOD_FILE}.csv`,
    records: [
      { list: 'category', category: MULTILINE, ciId: '', incidents: '42', problems: '3' },
      { list: 'category', category: '', ciId: '', incidents: '5', problems: '0' },
      { list: 'ci', category: '', ciId, incidents: '17', problems: '1' },
    ],
  },
  {
    label: 'incidents per problem',
    url: `/v1/reports/problems/incidents-per-problem?${PERIOD_QUERY}&limit=2`,
    rpc: ProblemRpc.incidentsPerProblemReport,
    body: {
      from: FROM,
      to: TO,
      problems: 3,
      incidents: 7,
      meanIncidentsPerProblem: 2.33,
      top: [
        { problemId, number: 'PRB0001001', title: PLUS_FORMULA, state: 'assess', incidents: 5 },
        { problemId: otherProblemId, number: 'PRB0001002', title: 'VPN drops', state: 'new', incidents: 2 },
      ],
    },
    file: `problems-incidents-per-problem-${PERIOD_FILE}.csv`,
    records: [
      { problemId, number: 'PRB0001001', title: shown(PLUS_FORMULA), state: 'assess', incidents: '5', periodProblems: '3', periodIncidents: '7', meanIncidentsPerProblem: '2.33' },
      { problemId: otherProblemId, number: 'PRB0001002', title: 'VPN drops', state: 'new', incidents: '2', periodProblems: '3', periodIncidents: '7', meanIncidentsPerProblem: '2.33' },
    ],
  },
  {
    label: 'incidents per problem, with no problem in the period',
    url: `/v1/reports/problems/incidents-per-problem?${PERIOD_QUERY}`,
    rpc: ProblemRpc.incidentsPerProblemReport,
    body: { from: FROM, to: TO, problems: 0, incidents: 0, meanIncidentsPerProblem: null, top: [] },
    file: `problems-incidents-per-problem-${PERIOD_FILE}.csv`,
    records: [{ problemId: '', number: '', title: '', state: '', incidents: '', periodProblems: '0', periodIncidents: '0', meanIncidentsPerProblem: '' }],
  },
  {
    label: 'time to root cause',
    url: `/v1/reports/problems/time-to-root-cause?${PERIOD_QUERY}`,
    rpc: ProblemRpc.timeToRootCauseReport,
    body: { from: FROM, to: TO, count: 2, meanHours: 30.5, medianHours: null },
    file: `problems-time-to-root-cause-${PERIOD_FILE}.csv`,
    records: [{ from: FROM, to: TO, count: '2', meanHours: '30.5', medianHours: '' }],
  },
  {
    label: 'known errors in use',
    url: `/v1/reports/problems/known-errors-in-use?${PERIOD_QUERY}`,
    rpc: ProblemRpc.knownErrorsInUseReport,
    body: {
      from: FROM,
      to: TO,
      items: [{ knownErrorId, number: 'KE0001001', title: AT_FORMULA, state: 'published', problemId, problemNumber: 'PRB0001001', incidents: 9 }],
    },
    file: `problems-known-errors-in-use-${PERIOD_FILE}.csv`,
    records: [{ knownErrorId, number: 'KE0001001', title: shown(AT_FORMULA), state: 'published', problemId, problemNumber: 'PRB0001001', incidents: '9' }],
  },
  {
    label: 'candidate problems',
    url: `/v1/reports/problems/candidates?${PERIOD_QUERY}`,
    rpc: ProblemRpc.candidatesReport,
    body: { from: FROM, to: TO, detected: 6, accepted: 4, canceled: 1, open: 1 },
    file: `problems-candidates-${PERIOD_FILE}.csv`,
    records: [{ from: FROM, to: TO, detected: '6', accepted: '4', canceled: '1', open: '1' }],
  },
  {
    label: 'change success rate',
    url: `/v1/reports/changes/success-rate?${PERIOD_QUERY}`,
    rpc: ChangeRpc.successRateReport,
    body: {
      from: FROM,
      to: TO,
      implemented: 5,
      backedOut: 1,
      successRate: 0.8,
      outcomes: [
        { outcome: 'successful', count: 3 },
        { outcome: 'successful_with_issues', count: 1 },
        { outcome: 'failed', count: 1 },
      ],
    },
    file: `changes-success-rate-${PERIOD_FILE}.csv`,
    records: [
      { outcome: 'successful', count: '3', implemented: '5', backedOut: '1', successRate: '0.8' },
      { outcome: 'successful_with_issues', count: '1', implemented: '5', backedOut: '1', successRate: '0.8' },
      { outcome: 'failed', count: '1', implemented: '5', backedOut: '1', successRate: '0.8' },
    ],
  },
  {
    label: 'emergency ratio',
    url: `/v1/reports/changes/emergency-ratio?${PERIOD_QUERY}`,
    rpc: ChangeRpc.emergencyRatioReport,
    body: {
      from: FROM,
      to: TO,
      total: 8,
      emergencyRatio: 0.125,
      types: [
        { type: 'standard', count: 4 },
        { type: 'normal', count: 3 },
        { type: 'emergency', count: 1 },
      ],
    },
    file: `changes-emergency-ratio-${PERIOD_FILE}.csv`,
    records: [
      { type: 'standard', count: '4', total: '8', emergencyRatio: '0.125' },
      { type: 'normal', count: '3', total: '8', emergencyRatio: '0.125' },
      { type: 'emergency', count: '1', total: '8', emergencyRatio: '0.125' },
    ],
  },
  {
    label: 'incidents caused by changes',
    url: `/v1/reports/changes/caused-incidents?${PERIOD_QUERY}&limit=5`,
    rpc: ChangeRpc.causedIncidentsReport,
    body: {
      from: FROM,
      to: TO,
      implemented: 4,
      withIncidents: 1,
      incidents: 2,
      ratio: 0.25,
      windowHours: 24,
      top: [{ changeId, number: 'CHG0001001', title: MINUS_FORMULA, outcome: null, implementedAt: '2026-11-02T11:30:00.000Z', incidentIds: [incidentA, incidentB] }],
    },
    file: `changes-caused-incidents-${PERIOD_FILE}.csv`,
    records: [
      {
        changeId,
        number: 'CHG0001001',
        title: shown(MINUS_FORMULA),
        outcome: '',
        implementedAt: '2026-11-02T11:30:00.000Z',
        incidentIds: `${incidentA} ${incidentB}`,
        implemented: '4',
        withIncidents: '1',
        incidents: '2',
        ratio: '0.25',
        windowHours: '24',
      },
    ],
  },
  {
    label: 'articles of low helpfulness',
    url: '/v1/reports/knowledge/low-helpfulness?minVotes=5',
    rpc: KnowledgeRpc.lowHelpfulnessReport,
    body: { minVotes: 5, items: [{ articleId, number: 'KB0001001', title: TAB_FORMULA, ownerId: 'sam', helpfulCount: 2, notHelpfulCount: 9, helpfulness: 0.1818 }] },
    file: 'knowledge-low-helpfulness.csv',
    records: [{ articleId, number: 'KB0001001', title: shown(TAB_FORMULA), ownerId: 'sam', helpfulCount: '2', notHelpfulCount: '9', helpfulness: '0.1818', minVotes: '5' }],
  },
  {
    label: 'articles viewed but never linked',
    url: '/v1/reports/knowledge/viewed-never-linked',
    rpc: KnowledgeRpc.viewedNeverLinkedReport,
    body: { minViews: 50, items: [{ articleId, number: 'KB0001002', title: 'Zürich VPN – 東京 😀', ownerId: 'sam', viewCount: 420, publishedAt: null }] },
    file: 'knowledge-viewed-never-linked.csv',
    records: [{ articleId, number: 'KB0001002', title: 'Zürich VPN – 東京 😀', ownerId: 'sam', viewCount: '420', publishedAt: '', minViews: '50' }],
  },
];

/** The report RPCs of the four services: every one of them answers the existing report routes. */
const REPORT_RPCS: RpcDeclaration[] = [
  SlaRpc.complianceReport,
  SlaRpc.responseTimesReport,
  SlaRpc.breachesReport,
  ProblemRpc.recurringReport,
  ProblemRpc.incidentsPerProblemReport,
  ProblemRpc.timeToRootCauseReport,
  ProblemRpc.knownErrorsInUseReport,
  ProblemRpc.candidatesReport,
  ChangeRpc.successRateReport,
  ChangeRpc.emergencyRatioReport,
  ChangeRpc.causedIncidentsReport,
  KnowledgeRpc.lowHelpfulnessReport,
  KnowledgeRpc.viewedNeverLinkedReport,
];

/** One URL per existing report route. */
const ROUTES = [...new Map(REPORTS.map((report) => [report.url.split('?')[0], report])).values()];

/** The records of a CSV text read by csv-parse, CRLF as the record delimiter, the header row naming the fields. */
function records(csv: string): Array<Record<string, string>> {
  return parse(csv, { columns: true, record_delimiter: '\r\n' }) as Array<Record<string, string>>;
}

describe('reports as JSON and CSV through the gateway', () => {
  let gateway: Gateway;
  let baseUrl: string;
  let responderConnection: NatsConnection;
  let responder: RpcResponder;
  let served: ServedSchema;

  function get(url: string, token: string, accept?: string): Promise<Response> {
    return fetch(`${baseUrl}${url}`, { headers: { authorization: `Bearer ${token}`, ...(accept === undefined ? {} : { accept }) } });
  }

  /** The answer of the stand-in for every report: the body of the case of that RPC (the first, when several). */
  function answerWith(report: ReportCase): void {
    responder.reset((received) => (received.subject === report.rpc.subject ? { ok: true, data: report.body } : { ok: false, error: { code: ErrorCode.INTERNAL, message: 'not this one' } }));
  }

  beforeAll(async () => {
    // Formats and roles are under test here, not quotas: every report route is called many times by the same callers.
    ({ gateway, baseUrl } = await startGateway({ RPC_TIMEOUT_MS: '2000', RATE_LIMIT_ENABLED: 'false' }));
    responderConnection = await connect(testNatsOptions('gateway-report-csv-responder'));
    responder = new RpcResponder(
      responderConnection,
      REPORT_RPCS.map((rpc) => rpc.subject),
    );
    await responder.start();
    served = await ServedSchema.load(baseUrl);
  });

  afterAll(async () => {
    await responder?.stop();
    await gateway?.close();
    await responderConnection?.drain();
  });

  describe.each(REPORTS.map((report) => [report.label, report] as const))('%s', (_label, report) => {
    beforeEach(() => answerWith(report));

    it('answers JSON by default, for */* and for application/json, as the service answered it', async () => {
      for (const accept of [undefined, '*/*', 'application/json']) {
        const response = await get(report.url, mia, accept);

        expect({ accept, status: response.status, type: response.headers.get('content-type') }).toEqual({ accept, status: 200, type: expect.stringMatching(/^application\/json/) });
        expect(response.headers.get('vary')).toMatch(/accept/i);
        await expect(response.json()).resolves.toEqual(report.body);
      }
    });

    it('answers text/csv with the same figures, as an attachment named by the report and its period', async () => {
      const response = await get(report.url, mia, 'text/csv');
      const text = await response.text();

      expect([response.status, response.headers.get('content-type'), response.headers.get('content-disposition')]).toEqual([200, 'text/csv; charset=utf-8', `attachment; filename="${report.file}"`]);
      expect(response.headers.get('vary')).toMatch(/accept/i);
      expect(text.split('\r\n')[0]).toBe(Object.keys(report.records[0] ?? {}).join(','));
      expect(text.endsWith('\r\n')).toBe(true);
      expect(records(text)).toEqual(report.records);
      expect(responder.received.map((received) => received.subject)).toEqual([report.rpc.subject]);
    });
  });

  it('passes the same query to the service whichever format is asked for', async () => {
    const [report] = REPORTS;
    if (!report) throw new Error('no report');
    answerWith(report);

    await get(`${report.url}&groupBy=priority`, mia, 'text/csv');
    await get(`${report.url}&groupBy=priority`, mia);

    const [csv, json] = responder.received.map((received) => received.data);
    expect(csv).toEqual({ from: '2026-11-01T00:00:00Z', to: '2026-12-01T00:00:00Z', groupBy: 'priority' });
    expect(json).toEqual(csv);
  });

  it('answers the CSV of a page with a Link to the next page, the same query with its cursor', async () => {
    const breaches = REPORTS.find((report) => report.rpc === SlaRpc.breachesReport);
    if (!breaches) throw new Error('no breaches report');
    answerWith(breaches);

    const response = await get(breaches.url, mia, 'text/csv');

    const link = /^<([^>]+)>; rel="next"$/.exec(response.headers.get('link') ?? '');
    expect(link).not.toBeNull();
    const next = new URL(link?.[1] ?? '', baseUrl);
    expect([next.pathname, Object.fromEntries(next.searchParams)]).toEqual([
      '/v1/reports/sla/breaches',
      { from: '2026-11-01T00:00:00Z', to: '2026-12-01T00:00:00Z', limit: '1', cursor: 'b64:next/page+1' },
    ]);
  });

  it('prefers what Accept weighs higher: text/* and text/csv over a lower-weighted JSON give CSV', async () => {
    const report = REPORTS.find((candidate) => candidate.rpc === ChangeRpc.successRateReport);
    if (!report) throw new Error('no success-rate report');
    answerWith(report);

    const types = [];
    for (const accept of ['text/*', 'application/json;q=0.5, text/csv', 'text/csv;q=0.5, application/json', 'application/json, text/csv']) {
      types.push((await get(report.url, mia, accept)).headers.get('content-type'));
    }

    expect(types).toEqual(['text/csv; charset=utf-8', 'text/csv; charset=utf-8', expect.stringMatching(/^application\/json/), expect.stringMatching(/^application\/json/)]);
  });

  it.each(ROUTES.map((report) => [report.url.split('?')[0], report] as const))('refuses %s with 406 problem+json, without asking the service, when Accept allows neither JSON nor CSV', async (_path, report) => {
    answerWith(report);

    for (const accept of ['application/xml', 'text/html, application/pdf;q=0.9', 'text/csv;q=0, application/json;q=0']) {
      const body = await expectProblem(await get(report.url, mia, accept), 406);
      expect({ accept, status: body.status, detail: body.detail }).toEqual({ accept, status: 406, detail: expect.stringContaining('text/csv') });
    }
    expect(responder.received).toHaveLength(0);
  });

  it('answers an error of a CSV request as problem+json, without a file name', async () => {
    const report = REPORTS[0];
    if (!report) throw new Error('no report');
    answerWith(report);

    const response = await get('/v1/reports/sla/compliance?from=2026-11-01T00:00:00Z', mia, 'text/csv');

    const body = await expectProblem(response, 400);
    expect(body.errors?.map((error) => error.field)).toEqual(['to']);
    expect(response.headers.get('content-disposition')).toBeNull();
  });

  describe('who may read them', () => {
    it('declares every report RPC for auditors, so that the services take them too', () => {
      const refusing = REPORT_RPCS.filter((rpc) => !rpc.roles.includes(Role.Auditor)).map((rpc) => rpc.subject);

      expect(refusing).toEqual([]);
    });

    it.each(ROUTES.map((report) => [report.url.split('?')[0], report] as const))('lets an auditor read %s as JSON and as CSV', async (_path, report) => {
      answerWith(report);

      const json = await get(report.url, audrey);
      const csv = await get(report.url, audrey, 'text/csv');

      expect([json.status, csv.status]).toEqual([200, 200]);
      await expect(json.json()).resolves.toEqual(report.body);
      expect(records(await csv.text())).toEqual(report.records);
    });

    it.each(ROUTES.map((report) => [report.url.split('?')[0], report] as const))('refuses a requester %s with 403, in either format, without asking the service', async (_path, report) => {
      answerWith(report);

      for (const accept of [undefined, 'text/csv']) {
        const body = await expectProblem(await get(report.url, alice, accept), 403);
        expect({ accept, reason: body.reason }).toEqual({ accept, reason: CommonErrorCode.RoleRequired });
      }
      expect(responder.received).toHaveLength(0);
    });
  });

  describe('the OpenAPI document', () => {
    const reportOperations = (): Array<[string, NonNullable<ServedSchemaOperation>]> =>
      Object.entries(served.document.paths)
        .filter(([path]) => path.startsWith('/v1/reports/'))
        .map(([path, operations]) => [path, operations?.get] as const)
        .filter((entry): entry is [string, NonNullable<ServedSchemaOperation>] => entry[1] !== undefined);

    it('declares JSON by its schema and CSV as a string with an example for the 200 of every report route, and 406 as a problem', () => {
      const operations = reportOperations();
      expect(operations.map(([path]) => path)).toEqual(expect.arrayContaining(ROUTES.map((report) => report.url.split('?')[0])));

      for (const [path, operation] of operations) {
        const ok = operation.responses['200']?.content ?? {};
        const csv = ok['text/csv'] as { schema?: { type?: string }; example?: unknown } | undefined;
        expect({ path, types: Object.keys(ok).sort(), json: ok['application/json']?.schema?.$ref, csv: csv?.schema?.type }).toEqual({
          path,
          types: ['application/json', 'text/csv'],
          json: expect.stringMatching(/^#\/components\/schemas\//),
          csv: 'string',
        });
        expect(typeof csv?.example).toBe('string');
        expect(records(String(csv?.example)).length).toBeGreaterThan(0);
        expect(Object.keys(operation.responses['406']?.content ?? {})).toEqual(['application/problem+json']);
      }
    });
  });

  describe('the index of reports', () => {
    it('lists every report route of the OpenAPI document, with its parameters as the document declares them, and both formats', async () => {
      const response = await get('/v1/reports', mia);
      expect(response.status).toBe(200);
      const index = (await response.json()) as ReportIndex;

      const documented = Object.entries(served.document.paths)
        .filter(([path, operations]) => path.startsWith('/v1/reports/') && operations?.get)
        .map(([path, operations]) => ({
          path,
          parameters: (operations?.get?.parameters ?? []).filter((parameter) => parameter.in === 'query').map((parameter) => parameter.name).sort(),
        }));
      expect(documented.length).toBeGreaterThanOrEqual(ROUTES.length);
      expect(index.items.map((item) => ({ path: item.path, parameters: item.parameters.map((parameter) => parameter.name).sort() }))).toEqual(
        [...documented].sort((a, b) => a.path.localeCompare(b.path)),
      );
      expect(served.errorsOf(index, '/v1/reports', 'get')).toEqual([]);
    });

    it('describes a report by name, summary, required parameters and formats', async () => {
      const index = (await (await get('/v1/reports', audrey)).json()) as ReportIndex;

      const compliance = index.items.find((item) => item.path === '/v1/reports/sla/compliance');

      expect(compliance).toMatchObject({ name: 'sla-compliance', summary: expect.stringContaining('SLA compliance'), formats: ['application/json', 'text/csv'] });
      expect(compliance?.parameters.filter((parameter) => parameter.required).map((parameter) => parameter.name)).toEqual(['from', 'to']);
      expect(compliance?.parameters.find((parameter) => parameter.name === 'groupBy')).toMatchObject({ required: false, type: 'string', enum: ['policy', 'priority', 'service', 'group'], default: 'policy' });
      expect(index.items.find((item) => item.path === '/v1/reports/problems/recurring')?.parameters.find((parameter) => parameter.name === 'limit')).toMatchObject({
        type: 'integer',
        minimum: 1,
        maximum: 100,
        default: '10',
      });
    });

    it('lets managers, admins and auditors read the index and refuses agents and requesters with 403', async () => {
      const ada = mintToken({ sub: 'ada', roles: [Role.Admin] });
      const statuses = [];
      for (const token of [mia, ada, audrey, sam, alice]) statuses.push((await get('/v1/reports', token)).status);

      expect(statuses).toEqual([200, 200, 200, 403, 403]);
    });

    it('takes no query parameters', async () => {
      const body = await expectProblem(await get('/v1/reports?format=csv', mia), 400);

      expect(body.errors?.map((error) => error.field)).toEqual(['format']);
    });
  });
});

type ServedSchemaOperation = NonNullable<ServedSchema['document']['paths'][string]>['get'];

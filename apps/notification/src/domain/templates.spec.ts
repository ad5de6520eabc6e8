import fc from 'fast-check';
import { type NotificationContext, noTicket, type TicketFields } from './notification-context';
import { checkTemplate, forRequester, renderTemplate, TemplateError, templateVariables } from './templates';

const INCIDENT_UPDATED = 'itsm.incident.updated.v1';
const COMMENT_ADDED = 'itsm.incident.comment_added.v1';
const REQUEST_SUBMITTED = 'itsm.incident.request_submitted.v1';
const SLA_BREACHED = 'itsm.sla.breached.v1';
const WORK_NOTE = 'WORKNOTE-7f3a: the caller is on the watch list';

function buildTicket(overrides: Partial<TicketFields> = {}): TicketFields {
  return {
    ...noTicket(),
    type: 'incident',
    id: '0b6e3f4a-52c1-4c47-9a55-3d8e2f1a7c10',
    number: 'INC0001042',
    title: 'VPN drops every 10 minutes',
    state: 'in_progress',
    priority: 'P2',
    callerId: 'alice',
    major: false,
    ...overrides,
  };
}

function buildContext(overrides: { type?: string; ticket?: Partial<TicketFields>; data?: Record<string, unknown> } = {}): NotificationContext {
  return {
    event: { id: '7e0c5c2a-1f4b-4d7e-9a8b-6c5d4e3f2a10', type: overrides.type ?? INCIDENT_UPDATED, time: '2026-03-02T09:00:00.000Z', subject: 'INC0001042', source: 'itsm/incident' },
    ticket: buildTicket(overrides.ticket),
    data: overrides.data ?? {},
  };
}

function buildCommentContext(visibility: string | undefined, body = WORK_NOTE): NotificationContext {
  const comment: Record<string, unknown> = { id: 'c1', body, authorId: 'bob', createdAt: '2026-03-02T09:00:00.000Z' };
  if (visibility !== undefined) comment['visibility'] = visibility;
  return buildContext({ type: COMMENT_ADDED, data: { incidentId: 'i1', number: 'INC0001042', callerId: 'alice', assignmentGroup: 'network', assigneeId: 'bob', comment } });
}

describe('templates', () => {
  describe('variables a template uses', () => {
    it('lists each dotted name once, in order, sections included', () => {
      expect(templateVariables('[{{ticket.priority}}] {{ticket.number}}{{#ticket.major}} MAJOR{{/ticket.major}} {{ticket.number}}')).toEqual([
        'ticket.priority',
        'ticket.number',
        'ticket.major',
      ]);
    });

    it('reads a name inside a section as a field of the section, and through an array as a field of its items', () => {
      expect(templateVariables('{{#data.comment}}{{body}}{{/data.comment}}')).toEqual(['data.comment', 'data.comment.body']);
      expect(templateVariables('{{#data.changes}}{{field}}: {{to}}{{/data.changes}}')).toEqual(['data.changes', 'data.changes.field', 'data.changes.to']);
      expect(templateVariables('{{#data.incident.ciIds}}{{.}}{{/data.incident.ciIds}}')).toEqual(['data.incident.ciIds']);
    });

    it('keeps a name that starts at the top as it is, inside a section too', () => {
      expect(templateVariables('{{#data.comment}}{{ticket.number}}{{/data.comment}}')).toEqual(['data.comment', 'ticket.number']);
    });

    it('leaves the context as it is in an inverted section', () => {
      expect(templateVariables('{{^ticket.assigneeId}}{{ticket.assignmentGroup}}{{/ticket.assigneeId}}')).toEqual(['ticket.assigneeId', 'ticket.assignmentGroup']);
    });

    it('counts unescaped values and skips comments', () => {
      expect(templateVariables('{{! ignore {{me}} }}{{{data.comment.body}}} {{& event.id}}')).toEqual(['data.comment.body', 'event.id']);
    });

    it('throws a TemplateError on a syntax error', () => {
      expect(() => templateVariables('{{#ticket.major}}open')).toThrow(TemplateError);
      expect(() => templateVariables('{{/ticket.major}}')).toThrow(/template syntax error/);
      expect(() => templateVariables('{{ticket.number')).toThrow(TemplateError);
    });
  });

  describe('checking a template', () => {
    it('accepts the envelope, every ticket field and payload paths of the subscribed events', () => {
      const template = [
        '{{event.id}} {{event.type}} {{event.time}} {{event.subject}} {{event.source}}',
        '{{ticket.type}} {{ticket.id}} {{ticket.number}} {{ticket.title}} {{ticket.state}} {{ticket.priority}}',
        '{{ticket.assignmentGroup}} {{ticket.assigneeId}} {{ticket.callerId}} {{ticket.serviceId}} {{ticket.category}} {{ticket.major}}',
        '{{data.incident.description}} {{#data.changes}}{{field}} {{from}} → {{to}}{{/data.changes}}',
      ].join('\n');
      expect(checkTemplate(template, [INCIDENT_UPDATED])).toEqual([]);
    });

    it('follows references into nested payload classes', () => {
      expect(checkTemplate('{{data.comment.body}} {{data.comment.visibility}} {{#data.comment}}{{authorName}}{{/data.comment}}', [COMMENT_ADDED])).toEqual([]);
    });

    it('takes a payload path when any one of the subscribed events has it', () => {
      expect(checkTemplate('{{data.comment.body}}{{data.changes}}', [INCIDENT_UPDATED, COMMENT_ADDED])).toEqual([]);
    });

    it('reads a numeric segment after an array as an index into it', () => {
      expect(checkTemplate('{{data.changes.0.field}} {{data.incident.ciIds.0}}', [INCIDENT_UPDATED])).toEqual([]);
    });

    it('takes any path under a payload object whose fields are free', () => {
      expect(checkTemplate('{{data.answers.laptopModel}} {{data.approval.type}}', [REQUEST_SUBMITTED])).toEqual([]);
    });

    it('refuses a payload path none of the subscribed events has, naming the events', () => {
      expect(checkTemplate('{{data.comment.body}}', [SLA_BREACHED])).toEqual([`{{data.comment.body}}: data.comment.body is not in the payload of ${SLA_BREACHED}`]);
      expect(checkTemplate('{{data.incident.nope}}', [INCIDENT_UPDATED, SLA_BREACHED])).toEqual([
        `{{data.incident.nope}}: data.incident.nope is not in the payload of any of ${INCIDENT_UPDATED}, ${SLA_BREACHED}`,
      ]);
      expect(checkTemplate('{{data.ticketId}}', [])).toEqual(['{{data.ticketId}}: no event type is subscribed, so there is no payload to read data.ticketId from']);
    });

    it('refuses a name inside a section that neither the section nor the top has', () => {
      expect(checkTemplate('{{#data.changes}}{{nope}}{{/data.changes}}', [INCIDENT_UPDATED])).toEqual([
        `{{nope}}: data.changes.nope is not in the payload of ${INCIDENT_UPDATED}`,
      ]);
    });

    it('refuses unknown envelope and ticket fields, listing the known ones', () => {
      const problems = checkTemplate('{{event.data}} {{ticket.url}}', [INCIDENT_UPDATED]);
      expect(problems).toHaveLength(2);
      expect(problems[0]).toMatch(/^\{\{event.data\}\}: an event has no field "data"; use one of id, type, time, subject, source$/);
      expect(problems[1]).toMatch(/^\{\{ticket.url\}\}: a ticket has no field "url"; use one of type, id, number/);
    });

    it('refuses names outside event, ticket and data, and partials', () => {
      expect(checkTemplate('{{number}} {{> footer}} {{number}}', [INCIDENT_UPDATED])).toEqual([
        '{{number}} is not a variable; use event.<field>, ticket.<field> or data.<path>',
        '{{> footer}}: partials are not supported',
      ]);
    });

    it('reports a syntax error as the only problem', () => {
      expect(checkTemplate('{{#ticket.major}}{{nope}}', [INCIDENT_UPDATED])).toEqual([expect.stringMatching(/^template syntax error: Unclosed section "ticket.major"/)]);
    });

    it('accepts a template without variables, and an unknown event type contributes no payload', () => {
      expect(checkTemplate('Something happened.', [])).toEqual([]);
      expect(checkTemplate('{{data.x}}', ['itsm.problem.created.v1'])).toHaveLength(1);
    });
  });

  describe('rendering', () => {
    it('escapes values for HTML, the unescaped forms too, since payload text comes from callers', () => {
      const context = buildContext({ ticket: { title: '<img src=x onerror=alert(1)> & co' } });
      const rendered = renderTemplate('<p>{{ticket.title}}|{{{ticket.title}}}|{{& ticket.title}}</p>', context, { html: true });
      expect(rendered).toBe('<p>&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt; &amp; co|&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt; &amp; co|&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt; &amp; co</p>');
    });

    it('leaves text as it is in plain text', () => {
      const context = buildContext({ ticket: { title: 'Disk <C:> & "D:" full' } });
      expect(renderTemplate('{{ticket.title}}', context, { html: false })).toBe('Disk <C:> & "D:" full');
    });

    it('renders missing and null values as empty', () => {
      const context = buildContext({ ticket: { assigneeId: null } });
      expect(renderTemplate('[{{ticket.assigneeId}}][{{data.nothing.here}}][{{nope}}]', context, { html: false })).toBe('[][][]');
    });

    it('renders numbers, booleans, sections over arrays and inverted sections', () => {
      const context = buildContext({ ticket: { major: false }, data: { changes: [{ field: 'priority', to: 'P1' }, { field: 'state', to: 'resolved' }], elapsedSeconds: 3601 } });
      const template = '{{#data.changes}}{{field}}={{to}};{{/data.changes}} {{data.elapsedSeconds}}s {{^ticket.major}}not major{{/ticket.major}} {{ticket.major}}';
      expect(renderTemplate(template, context, { html: false })).toBe('priority=P1;state=resolved; 3601s not major false');
    });

    it('falls back to the top inside a section, as mustache does', () => {
      const context = buildContext({ data: { comment: { body: 'Rebooted.' } } });
      expect(renderTemplate('{{#data.comment}}{{ticket.number}}: {{body}}{{/data.comment}}', context, { html: false })).toBe('INC0001042: Rebooted.');
    });

    it('never reaches into prototypes or calls functions', () => {
      const context = buildContext({ data: { list: ['a'], text: 'abc', run: () => 'called' } });
      const template = '[{{data.constructor}}][{{data.list.map}}][{{data.text.length}}][{{data.toString}}][{{#data.run}}x{{/data.run}}][{{data.run}}][{{data.__proto__}}]';
      expect(renderTemplate(template, context, { html: false })).toBe('[][][][][][][]');
    });

    it('throws a TemplateError for a broken template', () => {
      expect(() => renderTemplate('{{#a}}', buildContext(), { html: true })).toThrow(TemplateError);
    });
  });

  describe('what a requester may see', () => {
    it('withholds a work note entirely', () => {
      expect(forRequester(buildCommentContext('internal'))).toBeNull();
    });

    it('withholds a comment whose visibility is missing or unknown', () => {
      expect(forRequester(buildCommentContext(undefined))).toBeNull();
      expect(forRequester(buildCommentContext('agents'))).toBeNull();
    });

    it('passes a public comment on', () => {
      const context = buildCommentContext('public', 'We are on it.');
      const visible = forRequester(context);
      expect(visible).toEqual(context);
      expect(visible && renderTemplate('{{data.comment.body}}', visible, { html: false })).toBe('We are on it.');
    });

    it('drops internal keys and internal entries from other payloads, leaving the original as it was', () => {
      const data = {
        incident: { number: 'INC0001042', workNotes: [WORK_NOTE], details: { internal: WORK_NOTE, keep: 'yes' } },
        comments: [{ body: WORK_NOTE, visibility: 'internal' }, { body: 'public one', visibility: 'public' }],
        latest: { body: WORK_NOTE, visibility: 'internal' },
      };
      const context = buildContext({ data });
      expect(forRequester(context)?.data).toEqual({
        incident: { number: 'INC0001042', details: { keep: 'yes' } },
        comments: [{ body: 'public one', visibility: 'public' }],
      });
      expect(context.data).toBe(data);
      expect(data.incident.workNotes).toEqual([WORK_NOTE]);
    });

    it('never renders a work note into a message for a requester, whatever the template', () => {
      const hidden = fc.constantFrom(
        (body: string) => ({ comment: { body, visibility: 'internal' } }),
        (body: string) => ({ workNotes: body }),
        (body: string) => ({ internal: { body } }),
        (body: string) => ({ notes: [{ body, visibility: 'internal' }] }),
        (body: string) => ({ incident: { workNotes: [{ body }] } }),
      );
      const paths = ['data.comment.body', 'data.comment', 'data.workNotes', 'data.internal.body', 'data.notes', 'data.incident.workNotes', 'data.incident'];
      const part = fc.oneof(
        fc.constantFrom(...paths).map((path) => `{{${path}}}`),
        fc.constantFrom(...paths).map((path) => `{{{${path}}}}`),
        fc.constantFrom('data.comment', 'data.notes', 'data.internal', 'data.incident.workNotes', 'data').map((section) => `{{#${section}}}{{body}}{{.}}{{workNotes}}{{/${section}}}`),
        fc.string({ maxLength: 5 }).map((text) => text.replace(/[{}]/g, '')),
      );
      fc.assert(
        fc.property(fc.constantFrom(COMMENT_ADDED, INCIDENT_UPDATED, REQUEST_SUBMITTED), hidden, fc.array(part, { maxLength: 6 }), fc.boolean(), (type, place, parts, html) => {
          const context = buildContext({ type, data: { number: 'INC0001042', ...place(WORK_NOTE) } });
          const visible = forRequester(context);
          if (visible === null) return true;
          return !renderTemplate(parts.join(' '), visible, { html }).includes('WORKNOTE');
        }),
      );
    });
  });
});

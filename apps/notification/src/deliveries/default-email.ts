import type { NotificationContext } from '../domain/notification-context';

const WORDS: Record<string, string> = {
  created: 'was opened',
  updated: 'was updated',
  assigned: 'was assigned',
  state_changed: 'changed state',
  priority_changed: 'changed priority',
  comment_added: 'has a new comment',
  major_declared: 'was declared a major incident',
  major_undeclared: 'is no longer a major incident',
  reopened: 'was reopened',
  closed: 'was closed',
  escalated: 'was escalated',
  request_submitted: 'was submitted',
  request_approval_requested: 'needs an approval',
  request_approved: 'was approved',
  request_rejected: 'was rejected',
  request_fulfilled: 'was fulfilled',
  request_state_changed: 'changed state',
  warning: 'is close to its service-level target',
  breached: 'missed its service-level target',
};

/** `itsm.incident.state_changed.v1` → `state_changed`. */
function eventName(type: string): string {
  return type.split('.')[2] ?? type;
}

/**
 * The email a subscription without a template sends. Requesters get plain wording about their ticket (and a
 * public comment's text); agents get the ticket's working fields.
 */
export function defaultEmail(context: NotificationContext, requester: boolean): { subject: string; text: string } {
  const { ticket, event } = context;
  const name = eventName(event.type);
  const what = WORDS[name] ?? name.replace(/_/g, ' ');
  const noun = ticket.type === 'request' ? 'request' : 'incident';
  const comment = name === 'comment_added' ? ((context.data['comment'] as { body?: string } | undefined)?.body ?? null) : null;
  if (!ticket.number) {
    return { subject: `${event.type} ${event.subject}`, text: `${event.type} about ${event.subject} at ${event.time}.\n` };
  }
  if (requester) {
    const lines = [`Hello,`, '', `Your ${noun} ${ticket.number}${ticket.title ? ` (${ticket.title})` : ''} ${what}.`];
    if (ticket.state) lines.push(`It is now: ${ticket.state.replace(/_/g, ' ')}.`);
    if (comment) lines.push('', comment);
    return { subject: `Your ${noun} ${ticket.number} ${what}`, text: `${lines.join('\n')}\n` };
  }
  const lines = [
    `${ticket.number}${ticket.title ? `: ${ticket.title}` : ''} ${what}.`,
    '',
    ...(
      [
        ['State', ticket.state],
        ['Priority', ticket.priority],
        ['Assignment group', ticket.assignmentGroup],
        ['Assignee', ticket.assigneeId],
        ['Caller', ticket.callerId],
      ] as const
    )
      .filter(([, value]) => value)
      .map(([label, value]) => `${label}: ${value as string}`),
  ];
  if (comment) lines.push('', comment);
  return { subject: `[${ticket.priority ?? noun}] ${ticket.number} ${what}`, text: `${lines.join('\n')}\n` };
}

import type { NotificationContext, TicketFields } from './notification-context';

export interface SubscriptionConditions {
  ticketTypes?: string[];
  priorities?: string[];
  serviceIds?: string[];
  assignmentGroups?: string[];
  categories?: string[];
  states?: string[];
  major?: boolean;
}

type ListCondition = Exclude<keyof SubscriptionConditions, 'major'>;

const FIELD_OF: Readonly<Record<ListCondition, keyof TicketFields>> = {
  ticketTypes: 'type',
  priorities: 'priority',
  serviceIds: 'serviceId',
  assignmentGroups: 'assignmentGroup',
  categories: 'category',
  states: 'state',
};

// As routing rules compare them: group and category names are typed by people, ids may come in either case.
const sameText = (a: string, b: string): boolean => a.localeCompare(b, undefined, { sensitivity: 'accent' }) === 0;

/**
 * Every condition given holds (AND), any listed value within one (OR); a condition on a field the event does not
 * have (null) does not hold. An empty list is no condition, as in routing rules.
 */
export function conditionsMatch(conditions: SubscriptionConditions, context: NotificationContext): boolean {
  const ticket = context.ticket;
  for (const [condition, field] of Object.entries(FIELD_OF) as Array<[ListCondition, keyof TicketFields]>) {
    const wanted = conditions[condition];
    if (!wanted || wanted.length === 0) continue;
    const value = ticket[field];
    if (typeof value !== 'string' || !wanted.some((item) => sameText(item, value))) return false;
  }
  if (conditions.major !== undefined && ticket.major !== conditions.major) return false;
  return true;
}

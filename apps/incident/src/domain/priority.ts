import { Impact, Priority, Urgency } from '@itsm/contracts';

/**
 * The ITIL impact × urgency matrix (the default of most service desks):
 *
 *                urgency high   medium     low
 *   impact high          P1 critical  P2 high    P3 moderate
 *          medium        P2 high      P3 moderate P4 low
 *          low           P3 moderate  P4 low     P5 planning
 */
const MATRIX: Readonly<Record<Impact, Readonly<Record<Urgency, Priority>>>> = {
  [Impact.High]: { [Urgency.High]: Priority.Critical, [Urgency.Medium]: Priority.High, [Urgency.Low]: Priority.Moderate },
  [Impact.Medium]: { [Urgency.High]: Priority.High, [Urgency.Medium]: Priority.Moderate, [Urgency.Low]: Priority.Low },
  [Impact.Low]: { [Urgency.High]: Priority.Moderate, [Urgency.Medium]: Priority.Low, [Urgency.Low]: Priority.Planning },
};

export function priorityOf(impact: Impact, urgency: Urgency): Priority {
  return MATRIX[impact][urgency];
}

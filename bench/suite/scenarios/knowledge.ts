import type { Scenario } from '../scenario';

export const knowledge: Scenario = {
  name: 'knowledge',
  async run() {
    throw new Error('not written yet');
  },
};

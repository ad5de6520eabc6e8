import type { Scenario } from '../scenario';

export const mixed: Scenario = {
  name: 'mixed',
  async run() {
    throw new Error('not written yet');
  },
};

import type { Scenario } from '../scenario';

export const creation: Scenario = {
  name: 'creation',
  async run() {
    throw new Error('not written yet');
  },
};

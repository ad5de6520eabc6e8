import type { Scenario } from '../scenario';

export const storm: Scenario = {
  name: 'storm',
  async run() {
    throw new Error('not written yet');
  },
};

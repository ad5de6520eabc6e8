import type { Scenario } from '../scenario';

export const cmdb: Scenario = {
  name: 'cmdb',
  async run() {
    throw new Error('not written yet');
  },
};

import type { DynamicModule, Type } from '@nestjs/common';
import type { MigrationInterface } from 'typeorm';

/** Service requests and the request catalog: the parts they add to the incident service. */
export const requestsFeature: {
  entities: Array<Type>;
  migrations: Array<new () => MigrationInterface>;
  modules: Array<Type | DynamicModule>;
} = {
  entities: [],
  migrations: [],
  modules: [],
};

import 'reflect-metadata';
import { runServiceMain } from '@itsm/runtime';
import { incidentApp } from './service-definition';

runServiceMain(incidentApp);

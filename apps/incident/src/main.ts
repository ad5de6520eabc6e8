import 'reflect-metadata';
import { runServiceMain } from '@itsm/runtime';
import { incidentApp } from './app.module';

runServiceMain(incidentApp);

import 'reflect-metadata';
import { runServiceMain } from '@itsm/messaging';
import { incidentApp } from './app.module';

runServiceMain(incidentApp);

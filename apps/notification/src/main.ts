import 'reflect-metadata';
import { runServiceMain } from '@itsm/runtime';
import { notificationApp } from './app.module';

runServiceMain(notificationApp);

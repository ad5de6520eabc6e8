import 'reflect-metadata';
import { runServiceMain } from '@itsm/runtime';
import { notificationApp } from './service-definition';

runServiceMain(notificationApp);

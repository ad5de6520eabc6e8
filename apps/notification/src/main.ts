import 'reflect-metadata';
import { runServiceMain } from '@itsm/messaging';
import { notificationApp } from './app.module';

runServiceMain(notificationApp);

import 'reflect-metadata';
import { runServiceMain } from '@itsm/messaging';
import { slaApp } from './app.module';

runServiceMain(slaApp);

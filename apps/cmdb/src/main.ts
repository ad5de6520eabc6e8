import 'reflect-metadata';
import { runServiceMain } from '@itsm/messaging';
import { cmdbApp } from './app.module';

runServiceMain(cmdbApp);

import 'reflect-metadata';
import { runServiceMain } from '@itsm/runtime';
import { cmdbApp } from './app.module';

runServiceMain(cmdbApp);

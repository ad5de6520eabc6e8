import 'reflect-metadata';
import { runServiceMain } from '@itsm/runtime';
import { cmdbApp } from './service-definition';

runServiceMain(cmdbApp);

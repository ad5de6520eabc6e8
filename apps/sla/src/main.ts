import 'reflect-metadata';
import { runServiceMain } from '@itsm/runtime';
import { slaApp } from './service-definition';

runServiceMain(slaApp);

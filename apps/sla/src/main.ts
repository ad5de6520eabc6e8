import 'reflect-metadata';
import { runServiceMain } from '@itsm/runtime';
import { slaApp } from './app.module';

runServiceMain(slaApp);

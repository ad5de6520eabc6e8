import 'reflect-metadata';
import { runServiceMain } from '@itsm/runtime';
import { changeApp } from './app.module';

runServiceMain(changeApp);

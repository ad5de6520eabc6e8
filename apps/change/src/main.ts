import 'reflect-metadata';
import { runServiceMain } from '@itsm/runtime';
import { changeApp } from './service-definition';

runServiceMain(changeApp);

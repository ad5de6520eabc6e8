import 'reflect-metadata';
import { runServiceMain } from '@itsm/messaging';
import { changeApp } from './app.module';

runServiceMain(changeApp);

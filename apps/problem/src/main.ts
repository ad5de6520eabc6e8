import 'reflect-metadata';
import { runServiceMain } from '@itsm/messaging';
import { problemApp } from './app.module';

runServiceMain(problemApp);

import 'reflect-metadata';
import { runServiceMain } from '@itsm/runtime';
import { problemApp } from './app.module';

runServiceMain(problemApp);

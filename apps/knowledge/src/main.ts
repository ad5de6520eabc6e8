import 'reflect-metadata';
import { runServiceMain } from '@itsm/runtime';
import { knowledgeApp } from './app.module';

runServiceMain(knowledgeApp);

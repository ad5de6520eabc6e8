import 'reflect-metadata';
import { runServiceMain } from '@itsm/runtime';
import { problemApp } from './service-definition';

runServiceMain(problemApp);

import { Module } from '@nestjs/common';
import { CiClassWriter } from './ci-class.writer';
import { ClassRegistry } from './class-registry';
import { ClassesHandler } from './classes.handler';
import { ClassesService } from './classes.service';

/** CI classes: their RPC, their writer, and the registry the CI writer and imports check attributes with. */
@Module({
  controllers: [ClassesHandler],
  providers: [ClassRegistry, CiClassWriter, ClassesService],
  exports: [ClassRegistry],
})
export class ClassesModule {}

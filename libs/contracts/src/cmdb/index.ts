export * from './cmdb.enums';
export * from './ci.dto';
export * from './cmdb-admin.dto';
export * from './impact.dto';
export * from './import.dto';
export * from './cmdb.messages';
export * from './cmdb.errors';

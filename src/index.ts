export * from './custom-runtime-function';
export * from './invoke-permissions';
export * from './runtime-layer';
export * from './shell-runtime';
export * from './alarms';
export * from './concurrency';
export * from './deployment';

export * from './common.ts';
export * from './errors.ts';
export * from './headers.ts';
export * from './widget.ts';
export * from './admin.ts';
export * from './notify.ts';
export * from './activity.ts';

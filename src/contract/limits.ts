/** A booking's `metadata` bounds (API.md): the schema in metadata.ts, and the widget, which must not load zod for them, read these. */
export const METADATA_LIMITS = { entries: 20, keyPattern: /^[a-z0-9_]{1,40}$/, valueLength: 500 } as const;

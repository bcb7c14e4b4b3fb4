/**
 * The store document's constants that its code reads at runtime: its
 * version, the cache's limits, an account id's shape. schema.ts declares the
 * document with TypeBox for the types and for scripts/gen-validators.ts; the
 * app itself loads no TypeBox (issue 14), and this module imports nothing,
 * so the generator never loads a generated module on its way to a schema.
 */

/** The schema version this build writes. Files with a higher one are not understood. */
export const CURRENT_SCHEMA_VERSION = 2;

/** Most dialogs cached per account (the rest are shown after the first load). */
export const MAX_CACHED_DIALOGS = 500;
/** Longest text of each cached field, in characters; longer values are cut before they are stored. */
export const CACHED_TEXT_LIMITS = {
  title: 500,
  avatarUrl: 2048,
  color: 32,
  initials: 8,
  snippet: 500,
  lastActivity: 64,
} as const;

/** Shape of an account id as accounts.ts derives it (no dots: conf reads keys by dot path). */
export const ACCOUNT_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

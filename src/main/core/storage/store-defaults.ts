/**
 * A fresh store document, what a new or unreadable file starts from (its
 * declaration: schema.ts; its constants: store-constants.ts).
 */
import type { StoreData } from './schema';
import { defaultSettings } from './settings';
import { CURRENT_SCHEMA_VERSION } from './store-constants';

/** A fresh document (a new copy on each call). */
export function defaultStoreData(): StoreData {
  return {
    schemaVersion: CURRENT_SCHEMA_VERSION,
    settings: defaultSettings(),
    accounts: [],
    queue: [],
    snoozes: [],
    seen: {},
    notices: [],
  };
}

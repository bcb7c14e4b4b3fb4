/**
 * What the app's build puts in place of the packages conf loads for features
 * this app does not use (electron.vite.config.ts, scripts/shipped-packages.ts
 * `CONF_UNUSED`): ajv and ajv-formats for its `schema` / `rootSchema` /
 * `ajvOptions` options, semver for its `migrations` (conf 15,
 * node_modules/conf/dist/source/index.js: `#setupValidator` returns at once
 * without them, and only `#runMigrations` calls semver). `storeOptions`
 * (store.ts) passes none of them, and store.test.ts holds it to that: the
 * store is checked by validators.ts and migrated by migrations.ts. conf
 * still imports the packages at its top, so leaving them out of the build
 * saves their loading at every start.
 *
 * Everything here throws, naming what happened, rather than validate or
 * migrate nothing in silence.
 */
function unused(): never {
  throw new Error(
    'conf was given a schema or migrations: this build leaves out ajv and semver (src/main/core/storage/conf-unused.ts)',
  );
}

/** conf's `new Ajv2020(…)`. */
export class Ajv2020 {
  constructor() {
    unused();
  }
}

/** ajv-formats' module and semver's: every member throws. */
const module: Record<string, () => never> = new Proxy({}, { get: () => unused });
export default module;

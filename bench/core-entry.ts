/**
 * What the bench runs of ours, in one module, so bench/shipped-core.ts can
 * build it the way the app's main process is built (see there).
 */
export { createNodeCore } from '../src/main/core/create-node-core';
export { silentLogger } from '../src/main/core/redact';
export { webhookAuth, parseWebhookUrl } from '../src/main/core/auth/webhook';
export { createBitrixClient } from '../src/main/core/bitrix/client';
export { createLeakyBucket } from '../src/main/core/bitrix/limiter';
export { createAesSecretBox } from '../dev/aes-secret-box';
export { createPreviewPorts } from '../dev/preview/web-ports';

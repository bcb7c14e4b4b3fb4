/**
 * Runs the fake portal standalone, e.g. for a manual demo of the app:
 *
 *   npx tsx dev/fake-portal/cli.ts --seed demo [--port 8899] [--no-rate-limit]
 *     [--generate 300 --pinned 40] [--redirect-uri http://127.0.0.1:8000/]
 *     [--client-id local.x --client-secret s] [--webhook-code abc] [--access-ttl 3600]
 *
 * Prints the portal URL, the webhook URL and the OAuth client credentials,
 * then serves until Ctrl+C.
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { generateDialogs } from './seed';
import { startFakePortal } from './server';
import type { FakePortalOptions } from './types';

const USAGE = `Usage: tsx dev/fake-portal/cli.ts [--seed demo|empty] [--port N] [--host 127.0.0.1]
  [--generate N --pinned K] [--no-rate-limit] [--webhook-code CODE] [--webhook-user ID]
  [--client-id ID --client-secret SECRET] [--access-ttl SEC] [--redirect-uri URL]`;

function fail(message: string): never {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(2);
}

function intOption(name: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max)
    fail(`--${name} must be an integer from ${min} to ${max}, got "${value}"`);
  return n;
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        seed: { type: 'string', default: 'demo' },
        port: { type: 'string' },
        host: { type: 'string', default: '127.0.0.1' },
        generate: { type: 'string' },
        pinned: { type: 'string' },
        'no-rate-limit': { type: 'boolean', default: false },
        'webhook-code': { type: 'string' },
        'webhook-user': { type: 'string' },
        'client-id': { type: 'string' },
        'client-secret': { type: 'string' },
        'access-ttl': { type: 'string' },
        'redirect-uri': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    }));
  } catch (e) {
    fail((e as Error).message);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (values.seed !== 'demo' && values.seed !== 'empty') fail(`--seed must be "demo" or "empty", got "${values.seed}"`);
  const port = intOption('port', values.port, 0, 65535);
  const generate = intOption('generate', values.generate, 1, 100_000);
  const pinned = intOption('pinned', values.pinned, 0, 100_000) ?? 0;
  const webhookUser = intOption('webhook-user', values['webhook-user'], 1, 2 ** 31) ?? 1;
  const accessTtlSec = intOption('access-ttl', values['access-ttl'], 1, 86_400 * 365);
  if (values['webhook-code'] !== undefined && !/^[a-z0-9]{1,64}$/.test(values['webhook-code'])) {
    fail('--webhook-code must be lower-case letters and digits');
  }
  if ((values['client-id'] === undefined) !== (values['client-secret'] === undefined)) {
    fail('--client-id and --client-secret go together');
  }
  if (values['redirect-uri'] !== undefined && !URL.canParse(values['redirect-uri'])) {
    fail(`--redirect-uri is not a URL: "${values['redirect-uri']}"`);
  }

  const opts: FakePortalOptions = {
    host: values.host,
    ...(port !== undefined ? { port } : {}),
    seed:
      generate !== undefined
        ? generateDialogs(generate, { pinned, unread: Math.ceil(pinned / 4), withCounter: Math.ceil(generate / 5) })
        : values.seed,
    webhook: { userId: webhookUser, code: values['webhook-code'] ?? randomCode() },
    oauth: {
      clientId: values['client-id'] ?? `local.${randomCode()}.${randomCode().slice(0, 8)}`,
      clientSecret: values['client-secret'] ?? `${randomCode()}${randomCode()}`,
      ...(accessTtlSec !== undefined ? { accessTtlSec } : {}),
      ...(values['redirect-uri'] !== undefined ? { redirectUri: values['redirect-uri'] } : {}),
    },
    ...(values['no-rate-limit'] ? { rateLimit: false as const } : {}),
  };

  let portal;
  try {
    portal = await startFakePortal(opts);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    fail(code === 'EADDRINUSE' ? `Port ${port} is already in use; pick another with --port` : (e as Error).message);
  }
  process.stdout.write(
    [
      `Fake Bitrix24 portal: ${portal.url}`,
      `  dialogs:        ${portal.dialogs().length} (${portal.dialogs().filter((d) => d.pinned).length} pinned)`,
      `  webhook URL:    ${portal.webhookUrl}`,
      `  OAuth client:   ${portal.oauth.clientId}`,
      `  OAuth secret:   ${portal.oauth.clientSecret}`,
      `  authorize URL:  ${portal.oauth.authorizeUrl}`,
      `  token URL:      ${portal.oauth.tokenUrl}`,
      'Press Ctrl+C to stop.',
      '',
    ].join('\n'),
  );

  const stop = (): void => {
    void portal.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

/** 16 random lower-case letters and digits. */
function randomCode(): string {
  const abc = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return Array.from(randomBytes(16), (b) => abc[b % abc.length]).join('');
}

void main();

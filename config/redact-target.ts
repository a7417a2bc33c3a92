// A watch target as shown to people and other programs (HTTP API, `vigie targets list --json`):
// header values may be credentials (Authorization, Cookie, API keys) and a proxy URL may carry a
// user and password, so neither leaves Vigie in clear. Names stay visible so ops can check them.
import { redactUrl } from './settings.ts';
import type { WatchTarget } from './target-schema.ts';

export function redactTarget<T extends WatchTarget>(target: T): T {
  return {
    ...target,
    headers: Object.fromEntries(Object.keys(target.headers).map((name) => [name, '[redacted]'])),
    ...(target.proxy ? { proxy: redactUrl(target.proxy) } : {}),
  };
}

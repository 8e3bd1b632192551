// `GET /api/v0/users/current` (`vastai show user`; the extension checks a key with it): the local engine has one
// account, its own key's. It answers with the fields a client names an account by, and never the key.
import { presentedKeys, requireKey } from './auth';
import { sendJson, type Router } from './http';

export function registerAccountRoutes(router: Router, apiKey: string): void {
  router.add('GET', '/api/v0/users/current/', (ctx) => {
    requireKey(presentedKeys(ctx.req, ctx.url), [apiKey], 'the engine API key');
    sendJson(ctx.res, 200, { id: 1, username: 'local', email: null, fullname: 'Local engine on this machine', balance: 0, credit: 0, local_engine: true });
  });
}

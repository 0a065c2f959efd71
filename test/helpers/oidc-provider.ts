import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
import Provider, { type Configuration } from 'oidc-provider';
import { closeServer } from './close-server.js';

/** An account at the test provider: its login name is its `sub`. */
export interface TestAccount {
  email: string;
  email_verified: boolean;
  name?: string;
}

/**
 * A real OpenID Provider (`oidc-provider`, a certified implementation) on loopback, with its
 * development login and consent pages. `tamper` rewrites its token responses on purpose, to
 * produce ID tokens that are validly signed but wrong in one claim.
 */
export class TestOidcProvider {
  readonly accounts = new Map<string, TestAccount>();
  /** When set, ID tokens from the token endpoint get these claims, re-signed with the provider's key. */
  tamper: Record<string, unknown> | undefined;
  issuer = '';
  private server: Server | undefined;
  private signingJwk: JWK | undefined;

  async start(client: { clientId: string; clientSecret: string; redirectUri: string }): Promise<this> {
    this.server = createServer();
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.issuer = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    const pair = await generateKeyPair('RS256', { extractable: true });
    this.signingJwk = { ...(await exportJWK(pair.privateKey)), kid: 'provider-key-1', alg: 'RS256', use: 'sig' };

    const configuration: Configuration = {
      clients: [
        {
          client_id: client.clientId,
          client_secret: client.clientSecret,
          redirect_uris: [client.redirectUri],
          grant_types: ['authorization_code'],
          response_types: ['code'],
          token_endpoint_auth_method: 'client_secret_post',
        },
      ],
      pkce: { methods: ['S256'], required: () => true },
      jwks: { keys: [this.signingJwk as never] },
      cookies: { keys: ['test-provider-cookie-key-0123456789'] },
      claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
      features: { devInteractions: { enabled: true } },
      findAccount: (_ctx, id) => {
        const account = this.accounts.get(id);
        if (!account) return undefined;
        return { accountId: id, claims: () => ({ sub: id, ...account }) };
      },
    };
    const provider = new Provider(this.issuer, configuration);
    provider.use(async (ctx, next) => {
      await next();
      const body = ctx.body as { id_token?: string } | undefined;
      if (this.tamper && ctx.path === '/token' && body && typeof body.id_token === 'string') {
        body.id_token = await this.resign(body.id_token, this.tamper);
      }
    });
    this.server.on('request', provider.callback());
    return this;
  }

  private async resign(idToken: string, changes: Record<string, unknown>): Promise<string> {
    const header = decodeProtectedHeader(idToken);
    const key = await importJWK(this.signingJwk!, 'RS256');
    return new SignJWT({ ...decodeJwt(idToken), ...changes }).setProtectedHeader({ alg: header.alg!, kid: header.kid!, typ: header.typ ?? 'JWT' }).sign(key);
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    await closeServer(server);
  }
}

type Fetcher = (url: string, init: RequestInit) => Promise<Response>;

/**
 * A browser without a screen: a cookie jar per host, redirects followed by hand, and the
 * provider's login and consent forms filled in and submitted.
 */
export class HeadlessBrowser {
  private readonly jar = new Map<string, Map<string, string>>();

  /** Requests to `origin` go to `handler` (the app under test); anything else goes over the network. */
  constructor(private readonly routes: Record<string, Fetcher> = {}) {}

  async request(url: string, init: RequestInit = {}): Promise<Response> {
    const target = new URL(url);
    const cookies = this.jar.get(target.host);
    const headers = new Headers(init.headers);
    if (cookies && cookies.size > 0) headers.set('cookie', [...cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    const send = this.routes[target.origin] ?? ((u: string, i: RequestInit) => fetch(u, i));
    const response = await send(url, { ...init, headers, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const store = this.jar.get(target.host) ?? new Map<string, string>();
      if (value === '' || /max-age=0/i.test(line)) store.delete(name);
      else store.set(name, value);
      this.jar.set(target.host, store);
    }
    return response;
  }

  cookie(host: string, name: string): string | undefined {
    return this.jar.get(host)?.get(name);
  }

  /**
   * Follows redirects from `url`, signing in as `login` on the provider's form and consenting,
   * until a redirect points at a URL starting with `stopAt`; returns that URL (not requested).
   */
  async signInAtProvider(url: string, login: string, stopAt: string): Promise<string> {
    let next: { url: string; init?: RequestInit } = { url };
    for (let step = 0; step < 20; step++) {
      const response = await this.request(next.url, next.init);
      const location = response.headers.get('location');
      if (location) {
        const absolute = new URL(location, next.url).href;
        await response.arrayBuffer();
        if (absolute.startsWith(stopAt)) return absolute;
        next = { url: absolute };
        continue;
      }
      const html = await response.text();
      const form = /<form[^>]*action="([^"]+)"[^>]*method="post"[^>]*>([\s\S]*?)<\/form>/i.exec(html);
      if (!form) throw new Error(`stuck at ${next.url}: ${response.status} ${html.slice(0, 300)}`);
      const fields = new URLSearchParams();
      for (const input of form[2]!.matchAll(/<input[^>]*name="([^"]+)"[^>]*>/g)) {
        const name = input[1]!;
        const value = /value="([^"]*)"/.exec(input[0])?.[1];
        fields.set(name, name === 'login' ? login : name === 'password' ? 'any password' : (value ?? ''));
      }
      next = {
        url: new URL(form[1]!, next.url).href,
        init: { method: 'POST', body: fields.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } },
      };
    }
    throw new Error('too many steps');
  }
}

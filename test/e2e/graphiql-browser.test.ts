import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GRAPHIQL_DEFAULT_QUERY } from '../../src/plugins/use-graphiql.js';
import { startClientServer, type ClientServer } from '../helpers/client-server.js';

/**
 * GraphiQL in a real browser: Debian's Chromium driven by playwright-core (which never downloads
 * a browser), with every request that is not for this machine blocked and recorded. A user signs
 * in and predicts through the UI and the page is photographed. The picture in the README is this
 * screenshot: `UPDATE_SCREENSHOT=1 npx vitest run test/e2e/graphiql-browser.test.ts` refreshes
 * docs/graphiql-predict.png (otherwise it is written only when missing, so test runs leave the
 * work tree clean).
 */
const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOT = path.resolve(import.meta.dirname, '../../docs/graphiql-predict.png');
const missing = existsSync(CHROMIUM) ? null : `${CHROMIUM} is missing (apt-get install -y chromium); the GraphiQL browser test does not run here`;
if (missing) console.warn(`SKIPPED: ${missing}`);

const isLocal = (url: string) => {
  if (url.startsWith('blob:') || url.startsWith('data:')) return true;
  const { protocol, hostname } = new URL(url);
  return (protocol === 'http:' || protocol === 'https:') && (hostname === '127.0.0.1' || hostname === 'localhost');
};

/**
 * The text of a monaco editor as shown, lines in screen order. The response pane wraps long lines
 * (a token spans several, continuation lines indented), so a response is read without any
 * whitespace: none of the values this test reads contains any.
 */
async function editorText(page: Page, selector: string, join = '\n'): Promise<string> {
  return page.locator(selector).evaluate((editor, separator) => {
    const lines = [...editor.querySelectorAll<HTMLElement>('.view-line')].sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top));
    const text = lines.map((line) => (line.textContent ?? '').replace(/\u00a0/g, ' ')).join(separator);
    return separator === '' ? text.replace(/\s+/g, '') : text;
  }, join);
}

/** Replaces an editor's content the way a paste does (no auto-closed brackets or quotes). */
async function replaceEditorText(page: Page, selector: string, text: string): Promise<void> {
  await page.locator(`${selector} .view-lines`).click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  // A paste event, as a user's Ctrl+V delivers it (typed text would get auto-closed brackets).
  await page.locator(`${selector} textarea`).evaluate((area, pasted) => {
    const data = new DataTransfer();
    data.setData('text/plain', pasted);
    area.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  }, text);
  await expect.poll(async () => (await editorText(page, selector)).replace(/\s+/g, '')).toBe(text.replace(/\s+/g, ''));
}

/** Runs one named operation of the editor's document through the execute button's menu; returns the response pane's JSON. */
async function execute(page: Page, operation: string): Promise<{ data?: Record<string, unknown>; errors?: unknown[] }> {
  const response = '.graphiql-response .monaco-editor';
  const before = await editorText(page, response, '').catch(() => '');
  await page.locator('.graphiql-execute-button').click();
  await page.getByRole('menuitem', { name: operation, exact: true }).click();
  let text = '';
  await expect
    .poll(async () => {
      text = await editorText(page, response, '').catch(() => '');
      return text !== before && text.trim().endsWith('}');
    }, { timeout: 15_000 })
    .toBe(true);
  return JSON.parse(text) as { data?: Record<string, unknown>; errors?: unknown[] };
}

const title = 'GraphiQL in Chromium against a running modelgate (development mode)';
describe.skipIf(missing !== null)(missing ? `${title}: SKIPPED, ${missing}` : title, () => {
  let live: ClientServer;
  let browser: Browser;
  beforeAll(async () => {
    live = await startClientServer({ NODE_ENV: 'development' });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  });
  afterAll(async () => {
    await browser?.close();
    await live?.close();
  });

  it('signs in and predicts through the UI, with no request leaving this machine and no CSP violation', async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 860 } });
    const outside: string[] = [];
    const requests: string[] = [];
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (isLocal(url)) return route.continue();
      outside.push(url);
      return route.abort('blockedbyclient');
    });
    const page = await context.newPage();
    page.on('request', (request) => requests.push(request.url()));
    const cspErrors: string[] = [];
    page.on('console', (message) => {
      if (/content security policy/i.test(message.text())) cspErrors.push(message.text());
    });
    await page.addInitScript(() => {
      const seen: string[] = [];
      (window as unknown as { cspViolations: string[] }).cspViolations = seen;
      document.addEventListener('securitypolicyviolation', (event) => seen.push(`${event.violatedDirective} ${event.blockedURI}`));
    });

    const { email, password } = await live.newUser();
    const opened = await page.goto(`${live.server.url}/graphql`);
    expect(opened?.status()).toBe(200);
    expect(opened?.headers()['content-security-policy']).toMatch(/script-src 'nonce-[^']+'/);
    await page.locator('.graphiql-query-editor .monaco-editor .view-line').first().waitFor({ timeout: 30_000 });

    // The default query shows sign-in and predict.
    const query = await editorText(page, '.graphiql-query-editor .monaco-editor');
    expect(query).toContain('mutation Login(');
    expect(query).toContain('mutation Predict(');
    expect(query.trim()).toBe(GRAPHIQL_DEFAULT_QUERY.trim());

    // Sign in with the variables editor.
    const variables = '.monaco-editor[data-uri$="-variables.json"]';
    await replaceEditorText(page, variables, JSON.stringify({ email, password, modelId: live.iris.id }, null, 2));
    const login = await execute(page, 'Login');
    const accessToken = (login.data?.['login'] as { accessToken?: string } | undefined)?.accessToken;
    expect(accessToken, JSON.stringify(login)).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);

    // Paste the token into the headers editor, then predict.
    await page.locator('button[data-name="headers"]').click();
    await replaceEditorText(page, '.monaco-editor[data-uri$="-headers.json"]', JSON.stringify({ Authorization: `Bearer ${accessToken}` }, null, 2));
    const predicted = await execute(page, 'Predict');
    expect(predicted.errors).toBeUndefined();
    expect(predicted.data?.['predict']).toMatchObject({ labels: ['setosa'], cost: 1, warnings: [] });
    await page.locator('button[data-name="variables"]').click();
    const shots = mkdtempSync(path.join(tmpdir(), 'modelgate-graphiql-'));
    try {
      const shot = path.join(shots, 'graphiql-predict.png');
      await page.screenshot({ path: shot });
      expect(readFileSync(shot).subarray(1, 4).toString()).toBe('PNG');
      if (process.env['UPDATE_SCREENSHOT'] === '1' || !existsSync(SCREENSHOT)) copyFileSync(shot, SCREENSHOT);
    } finally {
      rmSync(shots, { recursive: true, force: true });
    }

    // Everything the page loaded came from modelgate itself: its own GraphiQL assets, no CDN.
    const origin = new URL(live.server.url).origin;
    expect(outside).toEqual([]);
    const fetched = requests.filter((url) => !url.startsWith('blob:'));
    expect(fetched.every((url) => url.startsWith(`${origin}/`))).toBe(true);
    expect(fetched).toContain(`${origin}/graphiql/assets/yoga-graphiql.umd.js`);
    expect(fetched).toContain(`${origin}/graphiql/assets/graphiql.css`);
    expect(cspErrors).toEqual([]);
    expect(await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations)).toEqual([]);

    // The watchers work: an inline script is a reported violation, a request elsewhere is blocked and recorded.
    await page.evaluate(() => {
      const inline = document.createElement('script');
      inline.textContent = 'window.ranInline = true';
      document.head.append(inline);
    });
    await expect.poll(() => page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations)).toEqual(['script-src-elem inline']);
    expect(await page.evaluate(() => (window as unknown as { ranInline?: boolean }).ranInline)).toBeUndefined();
    const probe = await context.newPage();
    await probe.goto('http://example.com/').catch(() => undefined);
    expect(outside).toEqual(['http://example.com/']);
    await context.close();
  });
});

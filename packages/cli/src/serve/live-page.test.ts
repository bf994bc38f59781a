import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulatedService } from './fleet-exporters';
import { startServe, type ServeHandle } from './serve';
import { chatCalls, recordChat, recordToolCall, seededRandom } from './simulated-fleet';

const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));

let browser: Browser;
let serve: ServeHandle;

beforeAll(async () => {
  serve = await startServe({ port: 0, analyzer: { warmup: 40, window: 20, allowedTools: { research: ['search', 'fetch_page'] } } });
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
});

afterAll(async () => {
  await browser?.close();
  await serve?.close();
});

describe('the live page', () => {
  it('shows each service and agent, baseline vs recent, the tool mix and alerts as they happen, with no external request', async () => {
    const random = seededRandom(3);
    const start = Date.UTC(2026, 0, 1);
    for (const [name, agent, scale] of [
      ['support', 'support-bot', 1],
      ['research', 'research', 3],
    ] as const) {
      const service = simulatedService(name, 'http/protobuf', serve.url);
      for (const call of chatCalls(random, 40, { agent, model: 'gpt-4o-mini', startMs: start })) recordChat(service.tracer, call);
      for (const call of chatCalls(random, 30, { agent, model: 'gpt-4o-mini', startMs: start + 60_000, outputScale: scale })) {
        recordChat(service.tracer, call);
      }
      if (agent === 'research') {
        for (let i = 0; i < 12; i++) recordToolCall(service.tracer, agent, i % 3 === 0 ? 'fetch_page' : 'search', start + i * 500);
      }
      await service.flush();
      await service.shutdown();
    }
    await serve.whenIdle();

    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const problems: string[] = [];
    const external: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('request', (r) => {
      if (!r.url().startsWith(serve.url) && !r.url().startsWith('data:')) external.push(r.url());
    });
    await page.goto(`${serve.url}/`);
    await page.locator('#conn.ok').waitFor();
    await page.locator('section.service h2', { hasText: 'research' }).waitFor();
    expect(await page.locator('section.service h2').allTextContents()).toEqual(['research', 'support']);
    expect(await page.locator('.card h3').allTextContents()).toEqual(expect.arrayContaining(['research', 'support-bot']));
    expect(await page.locator('.feature .name', { hasText: 'output_tokens' }).count()).toBeGreaterThan(0);
    await page.locator('#posture .control').first().waitFor();
    expect(await page.locator('#posture .control').count()).toBe(5);
    expect(await page.locator('#level').textContent()).toMatch(/level \d · 2 agents, 1 models, 2 tools/);
    expect(await page.locator('.agent-tools', { hasText: 'research · tool mix' }).locator('svg rect').count()).toBe(2);

    // An alert raised while the page is open arrives over the event stream.
    const service = simulatedService('research', 'http/json', serve.url);
    recordToolCall(service.tracer, 'research', 'delete_records', Date.now());
    await service.flush();
    await service.shutdown();
    await page.locator('.alert', { hasText: 'delete_records' }).first().waitFor({ timeout: 10_000 });

    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: `${ARTIFACTS}serve-live-page.png`, fullPage: true });
    await page.close();
    expect(problems).toEqual([]);
    expect(external).toEqual([]);
  });

  it('asks for the read token once, then runs live on its session cookie, with nothing blocked by its policy', async () => {
    const token = 'live-page-token-0123456789';
    const guarded = await startServe({ port: 0, token });
    try {
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
      });
      page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
      const first = await page.goto(`${guarded.url}/`);
      expect(first?.status()).toBe(401);
      await page.locator('input[name="token"]').fill(token);
      await page.locator('button[type="submit"]').click();
      await page.locator('#conn.ok').waitFor();
      await page.locator('#services .empty').waitFor();
      await page.close();
      expect(problems.filter((p) => !p.includes('401'))).toEqual([]);
    } finally {
      await guarded.close();
    }
  });
});

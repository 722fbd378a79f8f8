// The demo portal in a real browser: Debian's headless Chromium, driven by
// playwright-core (which never downloads a browser of its own).
//
// Run by browser_test_main.cc, which starts redis-server, comment-server and
// comment-portal, seeds the article, and passes:
//   PORTAL_URL       http://127.0.0.1:PORT
//   MODERATOR_TOKEN  a token of the service's moderator token file
//   CHROMIUM         the browser binary (/usr/bin/chromium)
//   SCREENSHOT_DIR   where portal.png, comments.png and moderate.png go
// Exits 0 when every check passes, 1 with the failed check otherwise.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const url = process.env.PORTAL_URL;
const token = process.env.MODERATOR_TOKEN;
const shots = process.env.SCREENSHOT_DIR || tmpdir();

// A fresh profile each run: no cookies, no cache, nothing from last time.
const profile = mkdtempSync(join(tmpdir(), 'portal-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  // Nothing may reach the network but the portal on 127.0.0.1.
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
         '--no-first-run', '--disable-background-networking',
         '--disable-component-update', '--disable-sync'],
  viewport: { width: 1000, height: 900 },
});
const page = context.pages()[0] ?? await context.newPage();
page.setDefaultTimeout(15000);

// Clicks a submit button and waits for the redirected page to load.
async function submit(selector) {
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }),
                     page.click(selector)]);
}
// Top-level comment ids of a list, in order (replies excluded).
async function ids(list) {
  return page.$$eval(`#${list} > li.comment`, (lis) => lis.map((li) => li.dataset.id));
}
async function text(selector) {
  return (await page.textContent(selector)).trim();
}
function step(name) { console.log(`- ${name}`); }

let failed = false;
try {
  await page.goto(url + '/');
  step('the article and its comment block');
  assert.match(await text('h1'), /党建引领决战脱贫攻坚助力乡村振兴/);
  const stats = await text('#stats');
  assert.match(stats, /^评论 \d+人参与, \d+条评论$/);
  const countBefore = Number(await text('#comment-count'));

  step('post a comment; it is first in 最新评论');
  const body = `浏览器里发的评论 ${Date.now()} <b>不是粗体</b>`;
  await page.fill('#post-form input[name=name]', '浏览器网友');
  await page.fill('#post-form textarea[name=body]', body);
  await submit('#post-form button[type=submit]');
  assert.equal(await page.getAttribute('#notice', 'class'), 'notice ok');
  const id = (await ids('newest-list'))[0];
  assert.equal(await text(`#newest-c-${id} p.body`), body, 'escaped, shown as typed');
  assert.equal(Number(await text('#comment-count')), countBefore + 1);

  step('it starts below the liked comments in 最热评论');
  const hotBefore = (await ids('hot-list')).indexOf(id);
  assert.ok(hotBefore > 0, `hot position before the like: ${hotBefore}`);
  assert.equal(await text(`#newest-c-${id} .like-count`), '0');

  step('like it: the count moves and it rises to the top of 最热评论');
  await submit(`#newest-c-${id} button.like`);
  assert.equal(await text(`#newest-c-${id} .like-count`), '1');
  assert.equal(await text(`#hot-c-${id} .like-count`), '1');
  assert.equal((await ids('hot-list')).indexOf(id), 0);

  step('加载更多 appends the next page of 最新评论 in place');
  const shown = (await ids('newest-list')).length;
  await page.click('#newest-list a.more');
  await page.waitForFunction(
      (n) => document.querySelectorAll('#newest-list > li.comment').length > n, shown);
  assert.equal(new Set(await ids('newest-list')).size, Number(await text('#comment-count')));

  // For a person to look at: the top of the page, and the comment block.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(shots, 'portal.png') });
  await page.locator('#comments').screenshot({ path: join(shots, 'comments.png') });

  step('a comment the lexicon holds for review is not shown, and the reader is told');
  const held = `有事加微信详聊 ${Date.now()}`;
  await page.fill('#post-form textarea[name=body]', held);
  await submit('#post-form button[type=submit]');
  assert.equal(await page.getAttribute('#notice', 'class'), 'notice held');
  assert.match(await text('#notice'), /审核/);
  assert.ok(!(await page.content()).includes(held));

  step('the moderator page refuses without a token, then signs in');
  const refused = await page.goto(url + '/moderate');
  assert.equal(refused.status(), 401);
  await page.fill('input[name=token]', token);
  await submit('form[action="/moderate/login"] button');
  assert.match(await text('#pending h2'), /待审评论 \(1\)/);
  assert.equal(await text('#pending li.queued p.body'), held);
  assert.match(await text('#pending li.queued .why'), /contact/);
  await page.screenshot({ path: join(shots, 'moderate.png'), fullPage: true });

  step('clear-all approves it; it leaves the queue and appears on the page');
  await submit('#pending button.clear-approve');
  assert.equal(await page.getAttribute('#notice', 'class'), 'notice ok');
  assert.match(await text('#pending h2'), /待审评论 \(0\)/);
  await page.goto(url + '/');
  assert.ok((await page.content()).includes(held));
  console.log('browser test: all checks passed');
} catch (e) {
  failed = true;
  console.error('browser test FAILED:', e.message);
  await page.screenshot({ path: join(shots, 'failure.png'), fullPage: true })
      .catch(() => {});
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);

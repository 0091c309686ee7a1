'use strict';
// Opens the model-registry's web page in headless Chromium, does what an auditor would (paste the read token, look
// at a model's lineage and charts, click versions, look up requests), saves screenshots, and prints what the page
// showed as one JSON document on stdout. WebPageIT starts the registry, runs this and asserts on the JSON.
//
// usage: node web-page.js '{"url": ..., "chromium": ..., "screenshots": ..., "token": ...,
//                           "requestId": ..., "markupRequestId": ..., "modelId": ...}'
const path = require('path');
const {chromium} = require('playwright-core');

const WAIT_MS = 60000; // generous: at a load average of ~70 on 2 cores the whole run took 34 s

async function main() {
  const args = JSON.parse(process.argv[2]);
  const browser = await chromium.launch({
    executablePath: args.chromium,
    // No sandbox: CI runs as root, where Chromium's sandbox refuses to start. The rest keeps the browser from
    // reaching out (updates, field trials) on a machine without network.
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--no-first-run'],
  });
  try {
    const seen = await visit(browser, args);
    process.stdout.write(JSON.stringify(seen, null, 2) + '\n');
  } finally {
    await browser.close();
  }
}

async function visit(browser, args) {
  const page = await browser.newPage({viewport: {width: 1280, height: 900}});
  const origin = new URL(args.url).origin;
  const seen = {consoleErrors: [], foreignRequests: []};
  page.on('console', m => { if (m.type() === 'error') seen.consoleErrors.push(m.text()); });
  page.on('pageerror', e => seen.consoleErrors.push(String(e)));
  page.on('request', r => { if (new URL(r.url()).origin !== origin) seen.foreignRequests.push(r.url()); });
  const shot = (name, target) => (target || page).screenshot({path: path.join(args.screenshots, name + '.png')});
  const loaded = () => page.waitForFunction(() => ['models', 'deadlines']
    .every(id => document.getElementById(id).getAttribute('aria-busy') === 'false'), null, {timeout: WAIT_MS});

  // Without the token: the page itself loads, the API answers 401, and the page says what to do.
  await page.goto(args.url);
  await loaded();
  seen.withoutToken = {
    notice: await visibleText(page, '#auth-notice'),
    models: await page.locator('#models').innerText(),
  };
  await shot('01-token-needed');

  // With the token pasted.
  await page.fill('#token', args.token);
  await page.click('#token-form button[type=submit]');
  await page.waitForSelector('section.model', {timeout: WAIT_MS});
  await loaded();
  seen.tokenStorage = await page.evaluate(key => ({session: sessionStorage.getItem(key) !== null,
    local: localStorage.length}), 'unlearn.registry.token');
  seen.noticeAfterToken = await visibleText(page, '#auth-notice');
  seen.models = await page.$$eval('section.model', sections => sections.map(s => ({
    modelId: s.dataset.model,
    heading: s.querySelector('h3').innerText,
    aliases: [...s.querySelectorAll('.model-alias')].map(a => a.innerText),
    nodes: [...s.querySelectorAll('svg.lineage .node')].map(n => ({
      version: n.dataset.version,
      status: n.dataset.status,
      fill: getComputedStyle(n.querySelector('circle.dot')).fill,
      labels: [...n.querySelectorAll('text')].map(t => t.textContent),
      aliasRing: n.querySelector('circle.alias-ring') !== null,
    })),
    edges: [...s.querySelectorAll('svg.lineage .edge')].map(e => ({from: e.dataset.from, to: e.dataset.to})),
    charts: Object.fromEntries([...s.querySelectorAll('svg.chart')].map(c => [c.dataset.metric,
      [...c.querySelectorAll('circle.point')].map(p => ({version: p.dataset.version, value: Number(p.dataset.value),
        fill: getComputedStyle(p).fill}))])),
    thresholdLines: [...s.querySelectorAll('svg.chart .threshold')].length,
    intervals: [...s.querySelectorAll('svg.chart .interval')].length,
  })));

  // Click each version of the model under test and read its details.
  const section = page.locator(`section.model[data-model="${args.modelId}"]`);
  seen.details = {};
  for (const node of seen.models.find(m => m.modelId === args.modelId).nodes) {
    await section.locator(`svg.lineage .node[data-version="${node.version}"]`).click();
    await section.locator('.version-details h3').first().waitFor({timeout: WAIT_MS});
    seen.details[node.version] = {
      text: await section.locator('.version-details').innerText(),
      checks: await section.locator('.version-details table.checks tbody tr').evaluateAll(rows =>
        rows.map(r => [...r.cells].map(c => c.innerText))),
    };
  }
  const production = seen.models.find(m => m.modelId === args.modelId).nodes.find(n => n.aliasRing);
  if (production) await section.locator(`svg.lineage .node[data-version="${production.version}"]`).click();
  await shot('02-models', page.locator('#models-section'));
  await shot('registry-page', section); // the picture in docs/images

  // Look up a request: its history, and the receipt or why there is none.
  seen.request = await lookUp(page, args.requestId);
  await shot('03-request', page.locator('#request-section'));
  // A request id and reason carrying markup are shown as text and never run.
  seen.markupRequest = await lookUp(page, args.markupRequestId);
  seen.deadlines = await page.locator('#deadlines').innerText();

  seen.markupRan = await page.evaluate(() => window.__injected === true);
  await page.click('#verify');
  await page.waitForFunction(() => /OK|BROKEN|cannot/.test(document.getElementById('verdict').textContent),
    null, {timeout: WAIT_MS});
  seen.lineageCheck = await page.locator('#verdict').innerText();
  await page.screenshot({path: path.join(args.screenshots, '04-full-page.png'), fullPage: true});
  return seen;
}

async function lookUp(page, requestId) {
  await page.fill('#request-id', requestId);
  await page.click('#request-form button[type=submit]');
  await page.waitForFunction(id => document.getElementById('request-result').getAttribute('aria-busy') === 'false'
    && document.getElementById('request-id').value === id && document.getElementById('receipt') !== null,
  requestId, {timeout: WAIT_MS});
  const result = page.locator('#request-result');
  return {
    heading: await result.locator('h3').first().innerText(),
    history: await result.locator('table').first().locator('tbody tr').evaluateAll(rows =>
      rows.map(r => [...r.cells].map(c => c.innerText))),
    receipt: await page.locator('#receipt').innerText(),
    text: await result.innerText(),
  };
}

async function visibleText(page, selector) {
  const locator = page.locator(selector);
  return await locator.isVisible() ? locator.innerText() : null;
}

main().catch(e => {
  process.stderr.write((e && e.stack) || String(e));
  process.exit(1);
});

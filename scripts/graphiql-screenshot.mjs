// Screenshot of GraphiQL served by `recgate demo` after running its pre-filled query
// (docs/graphiql-demo.png). Every request to another host than the gateway is aborted and
// listed, so the page is shown working offline. puppeteer-core is not a dependency; run it
// from a scratch folder against Debian's chromium (apt-get install chromium):
//   npx recgate demo --port 4791 &
//   cd /tmp/shot && npm i puppeteer-core@24 && cp <recgate>/scripts/graphiql-screenshot.mjs . \
//     && node graphiql-screenshot.mjs http://127.0.0.1:4791/graphql <recgate>/docs/graphiql-demo.png
import puppeteer from 'puppeteer-core';

const [url, out] = process.argv.slice(2);
const browser = await puppeteer.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--window-size=1400,900'] });
const page = await browser.newPage();
await page.setViewport({ width: 1400, height: 900 });
const external = [];
await page.setRequestInterception(true);
page.on('request', (req) => {
  const u = req.url();
  if (u.startsWith('data:') || u.startsWith('blob:') || new URL(u).host === new URL(url).host) return req.continue();
  external.push(u);
  return req.abort();
});
page.on('console', (m) => {
  if (m.type() === 'error') console.error('console:', m.text());
});
await page.goto(url, { waitUntil: 'load', timeout: 60000 });
await page.waitForSelector('.graphiql-execute-button', { timeout: 60000 });
await new Promise((r) => setTimeout(r, 2500));
await page.click('.graphiql-execute-button');
await page.waitForFunction(() => document.querySelector('.result-window')?.textContent?.includes('impressionId'), { timeout: 60000 });
await new Promise((r) => setTimeout(r, 1500));
await page.screenshot({ path: out });
const result = await page.evaluate(() => document.querySelector('.result-window')?.textContent ?? '');
console.log(JSON.stringify({ externalRequests: external, resultStart: result.slice(0, 300) }));
await browser.close();

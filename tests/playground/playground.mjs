// Loads the playground in headless Chromium with every request off the loopback
// blocked, runs its default query and waits for the answer; leaves a screenshot.
// Usage: node playground.mjs URL SCREENSHOT
import puppeteer from "puppeteer-core";

const [url, screenshot] = process.argv.slice(2);
const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu"],
});
const blocked = [];
try {
  const page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 800 });
  await page.setRequestInterception(true);
  page.on("request", (request) => {
    const { protocol, hostname } = new URL(request.url());
    const local = hostname === "127.0.0.1" || hostname === "localhost";
    if (local || protocol === "data:" || protocol === "blob:") {
      request.continue();
    } else {
      blocked.push(request.url());
      request.abort();
    }
  });
  await page.goto(url, { waitUntil: "networkidle0", timeout: 30000 });
  const run = await page.waitForSelector(".graphiql-execute-button", { timeout: 30000 });
  await run.click();
  await page.waitForFunction(
    () => [...document.querySelectorAll(".graphiql-response, .result-window")]
      .some((e) => e.innerText.includes("\"donors\"") && e.innerText.includes("\"nodes\"")),
    { timeout: 30000 },
  );
  await page.screenshot({ path: screenshot });
  console.log(`ok playground (${blocked.length} outside requests blocked)`);
} finally {
  await browser.close();
}

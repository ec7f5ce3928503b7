import { mkdirSync } from "node:fs";
import { join } from "node:path";
import puppeteer, { type Browser, type Page } from "puppeteer-core";
import { ROOT } from "./helpers.js";

/**
 * Headless Chromium for the page tests: Debian's `chromium` (installed by .ci/run), driven through
 * puppeteer-core. One browser per test file (start-up is about half a second); `--no-sandbox`
 * because the tests run as root, where Chromium's sandbox refuses to start.
 */
export const CHROMIUM = "/usr/bin/chromium";

export async function launchBrowser(): Promise<Browser> {
  return puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"] });
}

/** A page whose console errors and uncaught exceptions are collected in `errors`. */
export async function openPage(browser: Browser, width = 1280, height = 900): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage();
  await page.setViewport({ width, height });
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  page.on("pageerror", (error) => errors.push(String(error)));
  page.on("requestfailed", (request) => errors.push(`request failed: ${request.url()}`));
  return { page, errors };
}

/** Where page tests keep their screenshots (test-artifacts/, gitignored), created on first use. */
export function artifactPath(name: string): string {
  const dir = join(ROOT, "test-artifacts");
  mkdirSync(dir, { recursive: true });
  return join(dir, name);
}

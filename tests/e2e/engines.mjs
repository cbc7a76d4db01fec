// One small driver interface over three browser engines, so that the cross-engine suite
// (engines.test.mjs) is written once:
//   chromium  Debian's chromium through playwright-core (the Chrome DevTools Protocol)
//   firefox   Debian's firefox-esr through puppeteer-core over WebDriver BiDi
//   webkit    WebKitGTK's MiniBrowser (Debian's libwebkit2gtk-4.1) through Debian's WebKitWebDriver
//             and selenium-webdriver (classic WebDriver), in an Xvfb display
// Every browser and driver is a Debian package; nothing is ever downloaded. The WebKit helpers
// (Xvfb, WebKitWebDriver) are started here on a free display and a free port and ended by their
// process id in close().
//
// A driver has:
//   engine, version, via      'firefox', the browser's own version string, and how it is driven
//   open(url)                 navigate and wait for the load event
//   evaluate(fn, arg)         run fn(arg) in the page (fn may be async); its JSON-able result
//   setFiles(selector, paths) set files (paths on disk) on an <input type=file>
//   press(...keys)            key presses to the focused element: 'Enter', 'Escape', or one char
//   type(text)                types text into the focused element
//   screenshot(path)          saves a PNG of the viewport (an artifact for people, never compared)
//   close()                   ends the browser and every process started for it
// Clicks, reads and waits are written with evaluate (see engines.test.mjs), so that every
// engine runs the same page-side code.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { launchBrowser } from './lib.mjs';

// Nothing in these packages may fetch a browser or a driver: puppeteer-core never downloads,
// but its sibling packages read these; selenium-manager only runs when no server URL is given,
// and we always give one (usingServer), offline as well in case a future version changes that.
process.env.PUPPETEER_SKIP_DOWNLOAD = '1';
process.env.SE_OFFLINE = 'true';

export const FIREFOX = process.env.PROFDIFF_FIREFOX || '/usr/bin/firefox-esr';
export const WEBKIT_DRIVER = process.env.PROFDIFF_WEBKIT_DRIVER || '/usr/bin/WebKitWebDriver';
export const MINIBROWSER = process.env.PROFDIFF_MINIBROWSER || findMiniBrowser();
export const XVFB = process.env.PROFDIFF_XVFB || '/usr/bin/Xvfb';

/** The engines the suite runs in: all three, or those PROFDIFF_ENGINES lists (`firefox,webkit`). */
export const ENGINES = (process.env.PROFDIFF_ENGINES || 'chromium,firefox,webkit').split(',').filter(Boolean);

const VIEWPORT = { width: 1440, height: 900 };

/** libwebkit2gtk-4.1-0 puts MiniBrowser under the multiarch directory, /usr/lib/<triplet>/. */
function findMiniBrowser() {
  for (const dir of readdirSync('/usr/lib')) {
    const path = join('/usr/lib', dir, 'webkit2gtk-4.1', 'MiniBrowser');
    if (existsSync(path)) return path;
  }
  return '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';
}

/** What an engine needs on disk, or null when everything is there. */
export function missingFor(engine) {
  const need = {
    chromium: [process.env.PROFDIFF_CHROMIUM || '/usr/bin/chromium'],
    firefox: [FIREFOX],
    webkit: [WEBKIT_DRIVER, MINIBROWSER, XVFB],
  }[engine];
  const missing = need.filter((p) => !existsSync(p));
  return missing.length ? missing.join(', ') : null;
}

export function launchEngine(engine) {
  switch (engine) {
    case 'chromium': return launchChromium();
    case 'firefox': return launchFirefox();
    case 'webkit': return launchWebKit();
    default: throw new Error(`unknown engine ${engine}`);
  }
}

// ---- chromium: playwright-core -------------------------------------------------------------

async function launchChromium() {
  const browser = await launchBrowser();
  const context = await browser.newContext({ viewport: VIEWPORT, colorScheme: 'light' });
  const page = await context.newPage();
  return {
    engine: 'chromium',
    via: 'Debian chromium, playwright-core over CDP',
    version: browser.version(),
    async open(url) {
      await page.goto(url, { waitUntil: 'load' });
    },
    evaluate(fn, arg) {
      return page.evaluate(fn, arg);
    },
    async setFiles(selector, paths) {
      await page.setInputFiles(selector, paths);
    },
    async press(...keys) {
      for (const key of keys) await page.keyboard.press(key);
    },
    async type(text) {
      await page.keyboard.type(text);
    },
    async screenshot(path) {
      await page.screenshot({ path });
    },
    async close() {
      await browser.close();
    },
  };
}

// ---- firefox: puppeteer-core over WebDriver BiDi -------------------------------------------

async function launchFirefox() {
  const { default: puppeteer } = await import('puppeteer-core');
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX,
    headless: true,
    defaultViewport: VIEWPORT,
    extraPrefsFirefox: {
      // no update checks, telemetry or remote settings: the tests make no network request
      'app.update.enabled': false,
      'browser.shell.checkDefaultBrowser': false,
      'datareporting.policy.dataSubmissionEnabled': false,
      'toolkit.telemetry.enabled': false,
      'network.captive-portal-service.enabled': false,
      'network.connectivity-service.enabled': false,
    },
  });
  // the first tab does not get defaultViewport; a new one does
  const page = await browser.newPage();
  return {
    engine: 'firefox',
    via: 'Debian firefox-esr, puppeteer-core over WebDriver BiDi',
    version: (await browser.version()).replace(/^firefox\//i, ''),
    async open(url) {
      await page.goto(url, { waitUntil: 'load' });
    },
    evaluate(fn, arg) {
      return page.evaluate(fn, arg);
    },
    async setFiles(selector, paths) {
      const input = await page.$(selector);
      await input.uploadFile(...paths);
    },
    async press(...keys) {
      for (const key of keys) await page.keyboard.press(key);
    },
    async type(text) {
      await page.keyboard.type(text);
    },
    async screenshot(path) {
      await page.screenshot({ path });
    },
    async close() {
      await browser.close();
    },
  };
}

// ---- webkit: WebKitWebDriver + MiniBrowser in Xvfb, through selenium-webdriver -------------

/** A free TCP port on 127.0.0.1 (bound, then released for the driver to take). */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

// Process groups (by their leader's pid) of the helpers started here, ended on any way out.
const running = new Set();

function killGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

function endAllGroups() {
  for (const pid of running) killGroup(pid, 'SIGKILL');
  running.clear();
}

let exitHooked = false;
function hookExit() {
  if (exitHooked) return;
  exitHooked = true;
  process.on('exit', endAllGroups);
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => {
      endAllGroups();
      process.kill(process.pid, signal); // then the default: this process ends too
    });
  }
}

/**
 * A helper process in a process group of its own (MiniBrowser and its web processes, children
 * of WebKitWebDriver, are in it too), ended by that id: stop() sends SIGTERM, then SIGKILL.
 */
function startProcess(command, args, options) {
  hookExit();
  const child = spawn(command, args, { ...options, detached: true });
  running.add(child.pid);
  child.stop = () => new Promise((resolve) => {
    const done = () => {
      running.delete(child.pid);
      killGroup(child.pid, 'SIGKILL'); // whatever the leader left behind
      resolve();
    };
    if (child.exitCode !== null || child.signalCode !== null) {
      done();
      return;
    }
    const timer = setTimeout(() => killGroup(child.pid, 'SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      done();
    });
    killGroup(child.pid, 'SIGTERM');
  });
  return child;
}

/** Xvfb on the first free display: `-displayfd` makes the server pick it and print it. */
function startXvfb() {
  return new Promise((resolve, reject) => {
    // larger than the viewport: MiniBrowser's window adds its toolbar around the page
    const child = startProcess(XVFB, ['-displayfd', '3', '-screen', '0', '1920x1200x24', '-nolisten', 'tcp'],
      { stdio: ['ignore', 'ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let out = '';
    child.stdio[2].on('data', (d) => { stderr += d; });
    child.stdio[3].on('data', (d) => {
      out += d;
      const m = out.match(/^(\d+)\n/);
      if (m) resolve({ child, display: `:${m[1]}` });
    });
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`Xvfb exited with ${code}: ${stderr.trim()}`)));
  });
}

/** Waits until the WebDriver answers /status (it listens a moment after it starts). */
async function waitForDriver(url, child) {
  const deadline = Date.now() + 20000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`WebKitWebDriver exited with ${child.exitCode}`);
    try {
      const res = await fetch(`${url}/status`);
      if (res.ok) return;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) throw new Error(`WebKitWebDriver did not answer on ${url}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Sizes the window so that the page itself gets `size`, whatever the window's toolbar takes. */
async function setInnerSize(driver, size) {
  await driver.manage().window().setRect({ width: size.width, height: size.height });
  const inner = await driver.executeScript('return [window.innerWidth, window.innerHeight];');
  await driver.manage().window().setRect({
    width: 2 * size.width - inner[0],
    height: 2 * size.height - inner[1],
  });
}

const SELENIUM_KEYS = { Enter: 'ENTER', Escape: 'ESCAPE', Tab: 'TAB', Backspace: 'BACK_SPACE' };

async function launchWebKit() {
  const { Builder, Key } = await import('selenium-webdriver');
  const xvfb = await startXvfb();
  const children = [xvfb.child];
  let driver = null;
  const stopAll = async () => {
    for (const child of children.reverse()) await child.stop();
  };
  try {
    const port = await freePort();
    const env = { ...process.env, DISPLAY: xvfb.display };
    const webdriver = startProcess(WEBKIT_DRIVER, [`--port=${port}`, '--host=127.0.0.1'], { stdio: 'ignore', env });
    children.push(webdriver);
    const url = `http://127.0.0.1:${port}`;
    await waitForDriver(url, webdriver);
    driver = await new Builder()
      .usingServer(url)
      .withCapabilities({
        browserName: 'MiniBrowser',
        'webkitgtk:browserOptions': { binary: MINIBROWSER, args: ['--automation'] },
      })
      .build();
    await setInnerSize(driver, VIEWPORT);
    const caps = await driver.getCapabilities();
    await driver.manage().setTimeouts({ script: 60000, pageLoad: 60000 });
    const keyOf = (key) => (key.length === 1 ? key : Key[SELENIUM_KEYS[key]]);
    return {
      engine: 'webkit',
      via: 'WebKitGTK MiniBrowser in Xvfb, WebKitWebDriver, selenium-webdriver',
      version: String(caps.get('browserVersion')),
      async open(target) {
        await driver.get(target);
      },
      evaluate(fn, arg) {
        // classic WebDriver runs a function body; a returned promise is awaited
        return driver.executeScript(`return (${fn.toString()})(arguments[0]);`, arg);
      },
      async setFiles(selector, paths) {
        const input = await driver.findElement({ css: selector });
        await input.sendKeys(paths.join('\n'));
      },
      async press(...keys) {
        for (const key of keys) await driver.actions().sendKeys(keyOf(key)).perform();
      },
      async type(text) {
        await driver.actions().sendKeys(text).perform();
      },
      async screenshot(path) {
        writeFileSync(path, await driver.takeScreenshot(), 'base64');
      },
      async close() {
        try {
          await driver.quit();
        } finally {
          await stopAll();
        }
      },
    };
  } catch (e) {
    if (driver) await driver.quit().catch(() => {});
    await stopAll();
    throw e;
  }
}

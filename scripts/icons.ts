// `npm run icons`: renders resources/icon.svg and resources/tray.svg into the PNGs that
// electron-builder and the window use, in headless Chromium (no image library to install),
// and records the SVGs' sha256 so test/unit/resources.test.ts can tell stale PNGs apart.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../test/support/chromium.ts';

const ROOT = join(import.meta.dirname, '..');
const RESOURCES = join(ROOT, 'resources');

/** The Linux icon set electron-builder reads from `linux.icon` (a folder of `NxN.png`). */
const LINUX_ICON_SIZES = [16, 24, 32, 48, 64, 128, 256, 512] as const;

interface Render {
  svg: string;
  /** Output width and height, px. */
  size: number;
  out: string;
}

const RENDERS: readonly Render[] = [
  // electron-builder converts this to .icns (needs ≥ 512×512) and .ico (≥ 256×256);
  // the window icon on Linux and Windows is the same file.
  { svg: 'icon.svg', size: 512, out: 'icon.png' },
  ...LINUX_ICON_SIZES.map((size) => ({ svg: 'icon.svg', size, out: `icons/${size}x${size}.png` })),
  // Electron's nativeImage picks tray@2x.png beside tray.png on scale-factor-2 displays.
  { svg: 'tray.svg', size: 16, out: 'tray.png' },
  { svg: 'tray.svg', size: 32, out: 'tray@2x.png' },
];

/** Where the SVG hashes go: `sha256sum -c resources/icons/SOURCE.sha256` checks them from the repo root. */
const SOURCE_HASHES = 'icons/SOURCE.sha256';

function sha256Hex(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

async function renderPng(page: Page, svg: Buffer, size: number): Promise<Buffer> {
  await page.setViewportSize({ width: size, height: size });
  const src = `data:image/svg+xml;base64,${svg.toString('base64')}`;
  await page.setContent(
    `<!doctype html><html style="background:transparent"><body style="margin:0;background:transparent">` +
      `<img src="${src}" width="${size}" height="${size}" style="display:block"></body></html>`,
  );
  await page.locator('img').evaluate((img) => (img as HTMLImageElement).decode());
  return page.screenshot({ omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } });
}

async function main(): Promise<void> {
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  try {
    const context = await browser.newContext({ deviceScaleFactor: 1 });
    const page = await context.newPage();
    mkdirSync(join(RESOURCES, 'icons'), { recursive: true });
    for (const { svg, size, out } of RENDERS) {
      writeFileSync(join(RESOURCES, out), await renderPng(page, readFileSync(join(RESOURCES, svg)), size));
      console.log(`resources/${out} (${size}×${size}) from resources/${svg}`);
    }
  } finally {
    await browser.close();
  }

  const svgs = [...new Set(RENDERS.map((r) => r.svg))].sort();
  const lines = svgs.map((svg) => {
    const path = join(RESOURCES, svg);
    return `${sha256Hex(readFileSync(path))}  ${relative(ROOT, path)}\n`;
  });
  writeFileSync(join(RESOURCES, SOURCE_HASHES), lines.join(''));
  console.log(`resources/${SOURCE_HASHES}`);
}

await main();

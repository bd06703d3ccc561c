// The packaging resources (resources/): every PNG electron-builder.yml and the main window
// name exists at the size its consumer needs and is transparent where the art is not; the
// PNGs were rendered from the current SVGs (`npm run icons`); and resources/mailbridge.desktop
// says what electron-builder will write into the Linux packages' desktop entry.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { crc32, deflateSync, inflateSync } from 'node:zlib';
import { parse } from 'yaml';

const ROOT = join(import.meta.dirname, '../..');
const readText = (path: string) => readFileSync(join(ROOT, path), 'utf8');

interface BuilderConfig {
  productName: string;
  protocols?: { schemes: string[] }[];
  extraResources?: { from: string; to: string }[];
  mac?: { icon?: string };
  win?: { icon?: string };
  linux?: {
    executableName?: string;
    icon?: string;
    category?: string;
    description?: string;
    mimeTypes?: string[];
    desktop?: { entry?: Record<string, string> };
  };
}
const builder = parse(readText('electron-builder.yml')) as BuilderConfig;
const pkg = JSON.parse(readText('package.json')) as { name: string; productName?: string; description: string };

/** The Linux icon set electron-builder installs as hicolor icons (a folder of NxN.png). */
const LINUX_SIZES = [16, 24, 32, 48, 64, 128, 256, 512];

/** Width = height in px of every PNG the build or the app may name. */
const EXPECTED_SIZE: Record<string, number> = {
  'resources/icon.png': 512,
  'resources/tray.png': 16,
  'resources/tray@2x.png': 32,
  ...Object.fromEntries(LINUX_SIZES.map((n) => [`resources/icons/${n}x${n}.png`, n])),
};

interface PngInfo {
  width: number;
  height: number;
  /** PNG colour type (PNG spec §11.2.2): 4 = grey + alpha, 6 = RGB + alpha. */
  colorType: number;
  bitDepth: number;
  /** Alpha of pixel (0, 0), 0–255; null without an alpha channel. */
  topLeftAlpha: number | null;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * Reads the IHDR chunk and the alpha of the first pixel (PNG spec, W3C 2003, §5 and §11.2.2).
 * The first pixel needs no unfiltering: every filter (§9.2) predicts it from bytes outside
 * the image, which count as 0, so its stored bytes are its value.
 */
function readPng(bytes: Buffer): PngInfo {
  assert.ok(bytes.subarray(0, 8).equals(PNG_SIGNATURE), 'not a PNG (signature)');
  assert.equal(bytes.toString('latin1', 12, 16), 'IHDR', 'the first chunk of a PNG must be IHDR');
  const width = bytes.readUInt32BE(16);
  const height = bytes.readUInt32BE(20);
  const bitDepth = bytes[24]!;
  const colorType = bytes[25]!;
  const idat: Buffer[] = [];
  for (let at = 8; at < bytes.length; ) {
    const length = bytes.readUInt32BE(at);
    if (bytes.toString('latin1', at + 4, at + 8) === 'IDAT') idat.push(bytes.subarray(at + 8, at + 8 + length));
    at += 12 + length;
  }
  let topLeftAlpha: number | null = null;
  if (colorType === 4 || colorType === 6) {
    const channels = colorType === 6 ? 4 : 2;
    const raw = inflateSync(Buffer.concat(idat));
    // Byte 0 is the row's filter type; alpha is the last sample (most significant byte first).
    topLeftAlpha = raw[1 + (channels - 1) * (bitDepth / 8)]!;
  }
  return { width, height, colorType, bitDepth, topLeftAlpha };
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A 2×2 8-bit PNG of one colour: `rgba` with an alpha channel, else RGB. */
function solidPng(pixel: number[], colorType: 2 | 6): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(2, 0);
  ihdr.writeUInt32BE(2, 4);
  ihdr[8] = 8;
  ihdr[9] = colorType;
  const row = [0, ...pixel, ...pixel];
  const idat = deflateSync(Buffer.from([...row, ...row]));
  return Buffer.concat([PNG_SIGNATURE, pngChunk('IHDR', ihdr), pngChunk('IDAT', idat), pngChunk('IEND', Buffer.alloc(0))]);
}

/** PNG paths (from the repo root) electron-builder.yml and main-window.ts name, with who names them. */
function namedPngs(): Map<string, string> {
  const named = new Map<string, string>();
  if (builder.mac?.icon) named.set(builder.mac.icon, 'mac.icon');
  if (builder.win?.icon) named.set(builder.win.icon, 'win.icon');
  for (const { from } of builder.extraResources ?? []) if (from.endsWith('.png')) named.set(from, 'extraResources');
  const linuxIcons = builder.linux?.icon;
  assert.ok(linuxIcons, 'electron-builder.yml: linux.icon names the icon set folder');
  for (const file of readdirSync(join(ROOT, linuxIcons)).filter((f) => f.endsWith('.png'))) named.set(`${linuxIcons}/${file}`, 'linux.icon');
  for (const [, file] of readText('src-main/windows/main-window.ts').matchAll(/'([\w@.-]+\.png)'/g)) named.set(`resources/${file}`, 'main-window.ts');
  return named;
}

test('the PNG reader tells sizes, a missing alpha channel and an opaque corner apart', () => {
  assert.deepEqual(readPng(solidPng([10, 20, 30, 0], 6)), { width: 2, height: 2, colorType: 6, bitDepth: 8, topLeftAlpha: 0 });
  assert.equal(readPng(solidPng([10, 20, 30, 255], 6)).topLeftAlpha, 255);
  assert.equal(readPng(solidPng([10, 20, 30], 2)).topLeftAlpha, null);
  assert.throws(() => readPng(Buffer.from('GIF89a not a png at all')), /signature/);
});

test('every PNG electron-builder.yml and the main window name exists at its size, with alpha and a transparent corner', () => {
  const named = namedPngs();
  assert.ok(named.size >= LINUX_SIZES.length + 1, `too few PNGs named: ${[...named.keys()].join(', ')}`);
  for (const [path, by] of named) {
    assert.ok(existsSync(join(ROOT, path)), `${path} (named by ${by}) is missing: run npm run icons`);
    const size = EXPECTED_SIZE[path];
    assert.ok(size, `${path} (named by ${by}) has no expected size in this test`);
    const png = readPng(readFileSync(join(ROOT, path)));
    assert.equal(`${png.width}x${png.height}`, `${size}x${size}`, `${path} size`);
    assert.ok(png.colorType === 4 || png.colorType === 6, `${path} has no alpha channel (colour type ${png.colorType})`);
    // Both icons leave the corner empty (rounded tile, padded glyph): an opaque one means the
    // background was rendered too.
    assert.equal(png.topLeftAlpha, 0, `${path}: pixel (0,0) is not transparent`);
  }
});

test('the Linux icon set has every size, and the mac and Windows icons meet electron-builder’s minimums', () => {
  const files = readdirSync(join(ROOT, builder.linux!.icon!)).filter((f) => f.endsWith('.png')).sort();
  assert.deepEqual(files, LINUX_SIZES.map((n) => `${n}x${n}.png`).sort());
  // https://www.electron.build/icons/: macOS at least 512×512, Windows at least 256×256.
  assert.ok(readPng(readFileSync(join(ROOT, builder.mac!.icon!))).width >= 512, 'mac.icon ≥ 512 px');
  assert.ok(readPng(readFileSync(join(ROOT, builder.win!.icon!))).width >= 256, 'win.icon ≥ 256 px');
});

test('the window icon is shipped where main-window.ts looks for it when packaged', () => {
  const source = readText('src-main/windows/main-window.ts');
  const files = [...source.matchAll(/'([\w@.-]+\.png)'/g)].map((m) => m[1]!);
  assert.ok(files.length > 0, 'main-window.ts names no icon');
  assert.match(source, /process\.resourcesPath/);
  for (const file of files) {
    const shipped = (builder.extraResources ?? []).find((r) => r.to === file);
    assert.equal(shipped?.from, `resources/${file}`, `extraResources must copy resources/${file} to ${file}`);
  }
});

test('the PNGs were rendered from the current SVGs', () => {
  assert.match(readText('resources/icon.svg'), /viewBox="0 0 512 512"/);
  const lines = readText('resources/icons/SOURCE.sha256').trim().split('\n');
  const recorded = new Map(lines.map((line) => {
    const [hash, path] = line.split(/\s+/);
    return [path!, hash!];
  }));
  assert.deepEqual([...recorded.keys()].sort(), ['resources/icon.svg', 'resources/tray.svg']);
  for (const [path, hash] of recorded) {
    const current = createHash('sha256').update(readFileSync(join(ROOT, path))).digest('hex');
    assert.equal(current, hash, `${path} changed since its PNGs were rendered: run npm run icons and commit the PNGs`);
  }
});

/** The [Desktop Entry] group of a desktop file (Desktop Entry Specification 1.5, "Basic format"). */
function desktopEntry(text: string): Map<string, string> {
  const entry = new Map<string, string>();
  let group = '';
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || line.trim() === '') continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) group = header[1]!;
    else if (group === 'Desktop Entry') {
      const eq = line.indexOf('=');
      entry.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
    }
  }
  return entry;
}

const list = (value: string | undefined) => (value ?? '').split(';').filter(Boolean);

test('mailbridge.desktop has the required keys and claims the mailbridge: scheme', () => {
  const text = readText('resources/mailbridge.desktop');
  assert.match(text, /^\[Desktop Entry\]\n/);
  const entry = desktopEntry(text);
  for (const key of ['Type', 'Name', 'Comment', 'Exec', 'Icon', 'Categories', 'MimeType', 'StartupWMClass']) {
    assert.ok(entry.get(key), `mailbridge.desktop lacks ${key}`);
  }
  assert.equal(entry.get('Type'), 'Application');
  assert.equal(entry.get('Exec'), 'mailbridge %U', 'Exec must pass the URL (%U), or the mailbridge:// redirect is dropped');
  assert.equal(entry.get('Icon'), 'mailbridge');
  assert.deepEqual(list(entry.get('Categories')), ['Office', 'Email']);
  assert.ok(list(entry.get('MimeType')).includes('x-scheme-handler/mailbridge'));
  for (const key of ['Categories', 'MimeType']) assert.ok(entry.get(key)!.endsWith(';'), `${key} is a ;-terminated list`);
});

test('electron-builder.yml generates the same desktop entry as mailbridge.desktop', () => {
  // What electron-builder's LinuxTargetHelper.computeDesktopEntry writes, key by key.
  const entry = desktopEntry(readText('resources/mailbridge.desktop'));
  const linux = builder.linux!;
  const overrides = linux.desktop?.entry ?? {};
  assert.equal(overrides.Exec, undefined, 'electron-builder refuses desktop.entry.Exec; set linux.executableName');
  assert.equal(entry.get('Name'), builder.productName);
  assert.equal(entry.get('Exec')!.split(' ')[0], linux.executableName);
  assert.equal(entry.get('Icon'), linux.executableName);
  assert.equal(entry.get('Comment'), linux.description ?? pkg.description);
  assert.deepEqual(list(entry.get('Categories')), list(linux.category));
  const schemes = (builder.protocols ?? []).flatMap((p) => p.schemes.map((s) => `x-scheme-handler/${s}`));
  assert.deepEqual(list(entry.get('MimeType')).sort(), [...new Set([...(linux.mimeTypes ?? []), ...schemes])].sort());
  for (const [key, value] of Object.entries(overrides)) assert.equal(entry.get(key), value, `desktop.entry.${key}`);
  // Electron names the window's WM_CLASS after package.json productName, else name.
  assert.equal(entry.get('StartupWMClass'), pkg.productName ?? pkg.name);
  assert.equal(overrides.StartupWMClass, entry.get('StartupWMClass'));
});

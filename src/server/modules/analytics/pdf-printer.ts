import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppError } from '../../platform/errors.js';

const PRINT_TIMEOUT_MS = 90_000;

/**
 * Prints an HTML document to PDF with headless Chromium (the Debian package, as ffmpeg is for
 * video): the printable report's HTML, charts included as SVG images, becomes the PDF, so the
 * two never disagree. The document is self-contained (no network); Chromium runs in a fresh
 * temporary profile and is killed after PRINT_TIMEOUT_MS.
 */
export async function printPdf(chromiumPath: string, html: string): Promise<Buffer> {
  const dir = await mkdtemp(join(tmpdir(), 'onair-pdf-'));
  try {
    const page = join(dir, 'report.html');
    const out = join(dir, 'report.pdf');
    await writeFile(page, html, 'utf8');
    const args = [
      '--headless=new',
      '--disable-gpu',
      '--no-first-run',
      '--no-default-browser-check',
      '--disable-extensions',
      '--disable-background-networking',
      '--no-pdf-header-footer',
      `--user-data-dir=${join(dir, 'profile')}`,
      `--print-to-pdf=${out}`,
      // Root (CI, containers) cannot use Chromium's sandbox; the page is our own HTML, no network.
      ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
      `file://${page}`,
    ];
    await new Promise<void>((resolve, reject) => {
      let stderr = '';
      const child = spawn(chromiumPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
      const timer = setTimeout(() => child.kill('SIGKILL'), PRINT_TIMEOUT_MS);
      child.stderr.on('data', (d: Buffer) => {
        if (stderr.length < 4000) stderr += d.toString();
      });
      child.on('error', (err: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        reject(
          err.code === 'ENOENT'
            ? new AppError('conflict', `PDF export needs Chromium (apt-get install chromium, or set ONAIR_CHROMIUM); the printable HTML works without it`, { code: 'PDF_UNAVAILABLE' })
            : err,
        );
      });
      child.on('exit', (code) => {
        clearTimeout(timer);
        if (code === 0) resolve();
        else reject(new Error(`chromium exited with ${code}: ${stderr.slice(-500)}`));
      });
    });
    return await readFile(out);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

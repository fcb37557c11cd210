import { spawn } from 'node:child_process';

/** One short ffmpeg run on files (not the live stream): exit code and the end of stderr. */
function run(bin: string, args: string[], timeoutMs: number): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    let stderr = '';
    const child = spawn(bin, ['-hide_banner', '-nostdin', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stderr.on('data', (b: Buffer) => (stderr = (stderr + b.toString('utf8')).slice(-8192)));
    child.on('error', (e) => (stderr += `\n${e.message}`));
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

/**
 * The crash-safe fragmented recording, rewritten once as a plain MP4 with its index first
 * (`+faststart`): a browser can then start and seek it over Range requests without reading the
 * whole file. Codecs are copied. Rejects with ffmpeg's last lines when it fails.
 */
export async function remuxFaststart(bin: string, from: string, to: string, timeoutMs = 10 * 60_000): Promise<void> {
  const r = await run(bin, ['-loglevel', 'error', '-y', '-i', from, '-map', '0:v', '-map', '0:a?', '-c', 'copy', '-movflags', '+faststart', '-f', 'mp4', to], timeoutMs);
  if (r.code !== 0) throw new Error(r.stderr.trim().split('\n').slice(-4).join('\n') || `ffmpeg exited with ${r.code}`);
}

/** The media's duration (ms) as ffmpeg reads it from the container ("Duration: 00:01:02.34"); null if none. */
export async function probeDurationMs(bin: string, file: string): Promise<number | null> {
  const r = await run(bin, ['-loglevel', 'info', '-i', file], 30_000);
  const m = /Duration:\s*(\d+):(\d{2}):(\d{2}(?:\.\d+)?)/.exec(r.stderr);
  if (!m) return null;
  return Math.round((Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3])) * 1000);
}

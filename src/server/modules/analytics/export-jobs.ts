import type { ExportJob } from '../../../contracts/analytics.contract.js';
import { AppError, notFound } from '../../platform/errors.js';

export interface ExportFile {
  fileName: string;
  mime: string;
  body: Buffer;
}

interface Job {
  view: ExportJob;
  owner: string;
  sessionId: string;
  file: ExportFile | null;
  doneAt: number | null;
  run: (progress: (p: number) => void) => Promise<ExportFile>;
}

export interface ExportJobsOptions {
  now: () => number;
  ids: () => string;
  onError: (err: unknown, where: string) => void;
  /** Finished files are kept this long for download. */
  keepMs?: number;
  /** At most this many jobs (queued, running or kept) at once; more are refused with 429. */
  maxJobs?: number;
}

/**
 * Exports (CSV, printable HTML, PDF) run off the request path (issue 7 item 8): a request queues a
 * job and gets its id at once; the console polls its progress and downloads the file when done.
 * Jobs run one at a time (printing a PDF starts a browser); finished files are kept in memory for
 * a while for their owner only.
 */
export class ExportJobs {
  private readonly jobs = new Map<string, Job>();
  private readonly queue: Job[] = [];
  private running = false;

  constructor(private readonly o: ExportJobsOptions) {}

  create(owner: string, sessionId: string, format: ExportJob['format'], run: Job['run']): ExportJob {
    this.expire();
    if (this.jobs.size >= (this.o.maxJobs ?? 20)) throw new AppError('rate_limited', 'Too many exports at once; try again in a minute', { code: 'TOO_MANY_EXPORTS', retryAfterSeconds: 30 });
    const id = this.o.ids();
    const job: Job = { view: { id, status: 'queued', progress: 0, format, fileName: null, error: null, downloadUrl: null }, owner, sessionId, file: null, doneAt: null, run };
    this.jobs.set(id, job);
    this.queue.push(job);
    void this.drain();
    return { ...job.view };
  }

  get(owner: string, sessionId: string, id: string): ExportJob {
    const job = this.jobs.get(id);
    if (!job || job.owner !== owner || job.sessionId !== sessionId) throw notFound('Export');
    return { ...job.view };
  }

  file(owner: string, sessionId: string, id: string): ExportFile {
    const job = this.jobs.get(id);
    if (!job || job.owner !== owner || job.sessionId !== sessionId) throw notFound('Export');
    if (!job.file) throw new AppError('conflict', 'The export is not ready yet', { code: 'EXPORT_NOT_READY' });
    return job.file;
  }

  /** Waits for every queued job (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running || this.queue.length) await new Promise((r) => setTimeout(r, 20));
  }

  private expire(): void {
    const now = this.o.now();
    const keep = this.o.keepMs ?? 15 * 60_000;
    for (const [id, j] of this.jobs) if (j.doneAt !== null && now - j.doneAt > keep) this.jobs.delete(id);
  }

  private async drain(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (let job = this.queue.shift(); job; job = this.queue.shift()) {
        job.view.status = 'running';
        try {
          const file = await job.run((p) => {
            job.view.progress = Math.max(job.view.progress, Math.min(0.99, p));
          });
          job.file = file;
          job.view = { ...job.view, status: 'done', progress: 1, fileName: file.fileName, downloadUrl: `/api/console/sessions/${job.sessionId}/analytics/exports/${job.view.id}/file` };
        } catch (err) {
          job.view = { ...job.view, status: 'failed', error: err instanceof AppError ? err.message : 'The export failed; try again' };
          if (!(err instanceof AppError)) this.o.onError(err, `export ${job.view.id}`);
        }
        job.doneAt = this.o.now();
      }
    } finally {
      this.running = false;
    }
  }
}

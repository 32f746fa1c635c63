import { Worker } from 'node:worker_threads';
import type { StoreVerifyOptions } from '../store-source.ts';
import type { VerifyReport } from '../verify.ts';

const ENTRY = new URL('./verify-worker.mjs', import.meta.url);

/** What the worker needs: plain data only (a connection cannot cross threads). */
export interface VerifyJob {
  dbPath: string;
  dataDir: string;
  options: Omit<StoreVerifyOptions, 'anchor' | 'extraProblems'>;
}

export type VerifyReply = { ok: true; report: VerifyReport } | { ok: false; error: string };

/**
 * Verifies the store on a worker thread (GET /api/audit/chain): the event loop only waits for one
 * message, so /healthz and every other request are answered meanwhile. `signal` ends the worker
 * (service stop). Rejects when the worker fails; the caller decides what to answer.
 */
export function verifyInWorker(job: VerifyJob, signal?: AbortSignal): Promise<VerifyReport> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(ENTRY, { workerData: job });
    let settled = false;
    const done = (f: () => void) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', abort);
      f();
    };
    const abort = () => {
      void worker.terminate();
      done(() => reject(new Error('audit verify stopped: the service is stopping')));
    };
    signal?.addEventListener('abort', abort, { once: true });
    worker.once('message', (m: VerifyReply) =>
      done(() => (m.ok ? resolve(m.report) : reject(new Error(`audit verify worker failed: ${m.error}`)))),
    );
    worker.once('error', (e) => done(() => reject(e)));
    worker.once('exit', (code) =>
      done(() => reject(new Error(`audit verify worker exited (${code}) without a report`))),
    );
  });
}

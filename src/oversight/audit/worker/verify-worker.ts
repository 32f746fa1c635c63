import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import { verifyStore, type StoreVerifyOptions } from '../store-source.ts';
import type { VerifyJob, VerifyReply } from './verify-in-worker.ts';

/**
 * Runs one `audit verify` on its own thread, over its own read-only connection to the same SQLite
 * file (WAL: it reads a consistent snapshot while the service keeps writing). Everything verify does
 * (hashing every entry and evidence file, cross-checking the state tables) stays off the event loop.
 */
const job = workerData as VerifyJob;
let reply: VerifyReply;
try {
  const db = new Database(job.dbPath, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    reply = { ok: true, report: verifyStore(db, job.dataDir, job.options as StoreVerifyOptions) };
  } finally {
    db.close();
  }
} catch (e) {
  reply = { ok: false, error: e instanceof Error ? (e.stack ?? e.message) : String(e) };
}
parentPort!.postMessage(reply);

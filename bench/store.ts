// npm run bench:store — why better-sqlite3: committed outbox-style transactions per second and point
// reads, for better-sqlite3 and @photostructure/sqlite (node:sqlite API, prebuilt), side by side in one
// run, with synchronous=FULL (what the service uses: an acknowledged write survives kill -9) and NORMAL.
import Database from 'better-sqlite3';
import { DatabaseSync } from '@photostructure/sqlite';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = mkdtempSync(join(tmpdir(), 'jianhu-bench-store-'));
const N = Number(process.env.N ?? 3000);
const SCHEMA = `CREATE TABLE outbox (id INTEGER PRIMARY KEY, type TEXT, enterprise_id TEXT, payload TEXT, occurred_at TEXT)`;
const payload = JSON.stringify({
  cameraId: 'cam1',
  state: 'online',
  reason: 'frames_ok',
  message: '摄像头在线',
});

interface Driver {
  exec(sql: string): void;
  insertTx(i: number): void;
  read(id: number): unknown;
  close(): void;
}

function better(file: string): Driver {
  const db = new Database(file);
  return {
    exec: (s) => db.exec(s),
    insertTx: (() => {
      let ins: Database.Statement | undefined;
      let tx: ((i: number) => void) | undefined;
      return (i: number) => {
        ins ??= db.prepare(
          'INSERT INTO outbox (type, enterprise_id, payload, occurred_at) VALUES (?, ?, ?, ?)',
        );
        tx ??= db.transaction((k: number) => ins!.run('camera.healthChanged', 'ent', payload, String(k)));
        tx(i);
      };
    })(),
    read: (() => {
      let sel: Database.Statement | undefined;
      return (id: number) => (sel ??= db.prepare('SELECT * FROM outbox WHERE id = ?')).get(id);
    })(),
    close: () => db.close(),
  };
}

function photostructure(file: string): Driver {
  const db = new DatabaseSync(file);
  let ins: ReturnType<InstanceType<typeof DatabaseSync>['prepare']> | undefined;
  let sel: ReturnType<InstanceType<typeof DatabaseSync>['prepare']> | undefined;
  return {
    exec: (s) => db.exec(s),
    insertTx: (i) => {
      ins ??= db.prepare(
        'INSERT INTO outbox (type, enterprise_id, payload, occurred_at) VALUES (?, ?, ?, ?)',
      );
      db.exec('BEGIN');
      ins.run('camera.healthChanged', 'ent', payload, String(i));
      db.exec('COMMIT');
    },
    read: (id) => (sel ??= db.prepare('SELECT * FROM outbox WHERE id = ?')).get(id),
    close: () => db.close(),
  };
}

function run(name: string, make: (f: string) => Driver, sync: 'FULL' | 'NORMAL') {
  const file = join(dir, `${name.replace(/\W/g, '_')}-${sync}.db`);
  const d = make(file);
  d.exec('PRAGMA journal_mode = WAL');
  d.exec(`PRAGMA synchronous = ${sync}`);
  d.exec(SCHEMA);
  let t = process.hrtime.bigint();
  for (let i = 0; i < N; i++) d.insertTx(i);
  const writeS = Number(process.hrtime.bigint() - t) / 1e9;
  t = process.hrtime.bigint();
  for (let i = 0; i < N * 10; i++) d.read((i % N) + 1);
  const readS = Number(process.hrtime.bigint() - t) / 1e9;
  d.close();
  return {
    driver: name,
    synchronous: sync,
    commitsPerSec: Math.round(N / writeS),
    readsPerSec: Math.round((N * 10) / readS),
  };
}

const results = [];
for (const sync of ['FULL', 'NORMAL'] as const) {
  results.push(run('better-sqlite3', better, sync));
  results.push(run('@photostructure/sqlite', photostructure, sync));
}
console.table(results);
const full = results.filter((r) => r.synchronous === 'FULL');
const ratio = (full[0]!.commitsPerSec / full[1]!.commitsPerSec).toFixed(2);
console.log(`better-sqlite3 / photostructure committed transactions (FULL): ${ratio}x`);
console.log(JSON.stringify({ bench: 'store', n: N, results }));
rmSync(dir, { recursive: true, force: true });

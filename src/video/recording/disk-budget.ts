import { statfsSync } from 'node:fs';
import type { EventBus } from '../../platform/events/event-bus.ts';
import type { RecordingRepo } from './recording.repo.ts';

export interface DiskBudgetState {
  ok: boolean;
  usedBytes: number;
  budgetBytes: number;
  diskUsedPct: number;
  detail: string;
}

const GB = 1e9;

/**
 * The disk a recording needs (the budget formula of recording/README.md): cameras × bitrate ÷ 8 ×
 * 86 400 s × days, in bytes; e.g. 8 cameras × 2 Mbit/s × 7 days ≈ 1 210 GB.
 */
export function recordingBytes(cameras: number, mbitPerSecond: number, days: number): number {
  return cameras * ((mbitPerSecond * 1e6) / 8) * 86_400 * days;
}

/**
 * The recordings against their budget: an alarm at `alarmAtPct` of `diskBudgetGb` or of the disk
 * itself, before either is full. The state feeds /healthz (`recording`) and, on each change, one
 * `recording.diskAlarm` event for the wall and the admin.
 */
export class DiskBudget {
  private alarmed = false;
  constructor(
    private readonly repo: RecordingRepo,
    private readonly bus: EventBus,
    private readonly dir: string,
    private readonly budgetGb: number,
    private readonly alarmAtPct: number,
    private readonly diskUse: (dir: string) => number = diskUsedPct,
  ) {}

  check(): DiskBudgetState {
    const usedBytes = this.repo.keptBytes();
    const budgetBytes = Math.round(this.budgetGb * GB);
    const disk = this.diskUse(this.dir);
    const budgetPct = (usedBytes / budgetBytes) * 100;
    const alarm = budgetPct >= this.alarmAtPct || disk >= this.alarmAtPct;
    const detail = `recordings ${(usedBytes / GB).toFixed(2)} of ${this.budgetGb} GB (${budgetPct.toFixed(1)} %), disk ${disk.toFixed(1)} % used; alarm at ${this.alarmAtPct} %`;
    if (alarm !== this.alarmed) {
      this.alarmed = alarm;
      this.bus.publish('recording.diskAlarm', null, {
        usedBytes,
        budgetBytes,
        diskUsedPct: Math.round(disk * 10) / 10,
        alarm,
        titleZh: alarm ? '录像存储即将用满，请扩容或缩短保存期' : '录像存储已恢复正常',
        title: alarm
          ? 'Recording storage is nearly full: add disk or shorten retention'
          : 'Recording storage back below its alarm level',
      });
    }
    return { ok: !alarm, usedBytes, budgetBytes, diskUsedPct: disk, detail };
  }
}

function diskUsedPct(dir: string): number {
  try {
    const s = statfsSync(dir);
    return s.blocks > 0 ? ((s.blocks - s.bavail) / s.blocks) * 100 : 0;
  } catch {
    return 0; // the folder does not exist yet: nothing recorded
  }
}

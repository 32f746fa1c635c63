import { describe, expect, it } from 'vitest';
import { DiskBudget, recordingBytes } from '../../src/video/recording/disk-budget.ts';
import type { EventBus } from '../../src/platform/events/event-bus.ts';
import type { RecordingRepo } from '../../src/video/recording/recording.repo.ts';

describe('recording disk budget', () => {
  it('alarms at the threshold of the budget or of the disk, once per change, and clears', () => {
    let kept = 0;
    let disk = 40;
    const published: { type: string; alarm: boolean }[] = [];
    const repo = { keptBytes: () => kept } as unknown as RecordingRepo;
    const bus = {
      publish: (type: string, _e: unknown, p: { alarm: boolean }) => published.push({ type, alarm: p.alarm }),
    } as unknown as EventBus;
    const budget = new DiskBudget(repo, bus, '/nowhere', 100, 85, () => disk);
    expect(budget.check().ok).toBe(true);
    kept = 84e9;
    expect(budget.check().ok).toBe(true);
    kept = 85e9; // 85 % of 100 GB
    const alarm = budget.check();
    expect(alarm.ok).toBe(false);
    expect(alarm.detail).toContain('85.0 %');
    budget.check(); // still alarmed: no second event
    kept = 10e9;
    expect(budget.check().ok).toBe(true);
    disk = 90; // the disk itself nearly full, whatever the recordings use
    expect(budget.check().ok).toBe(false);
    expect(published).toEqual([
      { type: 'recording.diskAlarm', alarm: true },
      { type: 'recording.diskAlarm', alarm: false },
      { type: 'recording.diskAlarm', alarm: true },
    ]);
  });

  it('sizes a week of 8 cameras at 2 Mbit/s inside the default budget (the README formula)', () => {
    expect(recordingBytes(8, 2, 7) / 1e9).toBeCloseTo(1209.6, 1);
    expect(recordingBytes(1, 2, 31) / 1e9).toBeCloseTo(669.6, 1); // one 特级 动火 camera, 31 days
    expect(recordingBytes(8, 2, 7)).toBeLessThan(1300e9);
  });
});

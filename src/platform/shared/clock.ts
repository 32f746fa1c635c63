/** Time comes from a Clock so pure logic (permits, rules, health) can be tested with a fake one. */
export interface Clock {
  now(): number; // epoch milliseconds
}

export const systemClock: Clock = { now: () => Date.now() };

export class FakeClock implements Clock {
  constructor(private t = Date.UTC(2026, 0, 5, 8, 0, 0)) {}
  now(): number {
    return this.t;
  }
  advance(ms: number): void {
    this.t += ms;
  }
  set(ms: number): void {
    this.t = ms;
  }
}

export const iso = (ms: number): string => new Date(ms).toISOString();

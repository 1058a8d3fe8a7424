import { describe, expect, it } from 'vitest';
import { counter, counterSeries, MAX_SERIES } from '../../../runtime/shared/counters.js';

/** The runtime's event-counter registry: one counter per name, series per label set, and a hard cap on label sets. */
describe('event counters', () => {
  it('adds per label set and returns the same counter for the same name', () => {
    const a = counter('test_counter_same', 'help');
    a.add({ outcome: 'x' });
    counter('test_counter_same', 'help').add({ outcome: 'x' }, 2);
    a.add({ outcome: 'y' });
    expect(counterSeries('test_counter_same')).toEqual([
      { labels: { outcome: 'x' }, value: 3 },
      { labels: { outcome: 'y' }, value: 1 },
    ]);
  });

  it('keeps at most MAX_SERIES label sets and adds the rest under "other"', () => {
    const c = counter('test_counter_cap', 'help');
    for (let i = 0; i < MAX_SERIES + 50; i++) c.add({ host: `h${i}` });
    const series = counterSeries('test_counter_cap');
    expect(series.length).toBe(MAX_SERIES + 1);
    expect(series.find((s) => s.labels.host === 'other')?.value).toBe(50);
    expect(series.reduce((n, s) => n + s.value, 0)).toBe(MAX_SERIES + 50);
  });

  it('a held series adds to the same label set as add() does, and shows at zero before the first event', () => {
    const c = counter('test_counter_held', 'help');
    const held = c.series({ layer: 'router' });
    expect(counterSeries('test_counter_held')).toEqual([{ labels: { layer: 'router' }, value: 0 }]);
    held.add();
    c.add({ layer: 'router' }, 2);
    expect(counterSeries('test_counter_held')).toEqual([{ labels: { layer: 'router' }, value: 3 }]);
  });
});

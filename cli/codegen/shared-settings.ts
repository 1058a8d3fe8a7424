/**
 * Module settings that several endpoints or backends share (one service-wide
 * validator copied onto 124 endpoints, one rate limit on many) are written
 * once into entry.ts's `SETTINGS` table and referenced from each Plan
 * literal, so parsed settings — defaults filled in — cost a bundle no more
 * than the raw `extra_config` they replace.
 */
import type { LevelSettings } from '../../runtime/settings/module-settings.js';

const TOKEN = /"@@hgw-settings:([^"@]+)@(\d+)@@"/g;

export class SharedSettings {
  /** Per module id, the JSON of each settings value written twice or more, in first-seen order. */
  private readonly table = new Map<string, string[]>();

  constructor(levels: readonly LevelSettings[]) {
    const seen = new Set<string>();
    for (const settings of levels) {
      for (const [id, value] of Object.entries(settings)) {
        const json = JSON.stringify(value);
        const key = `${id}\n${json}`;
        if (!seen.has(key)) seen.add(key);
        else if (!(this.table.get(id) ?? []).includes(json)) this.table.set(id, [...(this.table.get(id) ?? []), json]);
      }
    }
  }

  /** A Plan object as TypeScript, its shared settings values as `SETTINGS[id][i]`. */
  literal(value: unknown): string {
    const table = this.table;
    const text = JSON.stringify(
      value,
      function (this: Record<string, unknown>, key, v: unknown) {
        // Only a Plan level's `settings` (it sits beside `extraConfig`), never a key inside a setting.
        if (key !== 'settings' || !('extraConfig' in this) || v === null || typeof v !== 'object') return v;
        return Object.fromEntries(Object.entries(v).map(([id, s]) => {
          const i = table.get(id)?.indexOf(JSON.stringify(s)) ?? -1;
          return [id, i === -1 ? s : `@@hgw-settings:${id}@${i}@@`];
        }));
      },
      2,
    );
    return text.replace(TOKEN, (_, id: string, i: string) => `SETTINGS[${JSON.stringify(id)}][${i}]`);
  }

  /** The `SETTINGS` table's initializer, each module's list typed by its settings type; undefined when nothing is shared. */
  declaration(): string | undefined {
    if (this.table.size === 0) return undefined;
    const rows = [...this.table].map(([id, list]) => `${JSON.stringify(id)}: frozen<ModuleSettings[${JSON.stringify(id)}][]>([${list.join(', ')}])`);
    return `{\n${rows.join(',\n')}\n}`;
  }
}

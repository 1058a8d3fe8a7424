import { describe, expect, it } from 'vitest';
import { buildZapMessage, parseZapMessage, readZapRootObject, ZapMessageError } from '../../../../runtime/zap/wire/zap-message.js';

describe('ZAP message builder and strict reader', () => {
  it('writes the C1 layout: header, fixed section, tails in set order', () => {
    const msg = buildZapMessage(0x80, 24, (o) => {
      o.u32(0, 7);
      o.bytes(16, Buffer.from('BB'));
      o.text(8, 'A');
    });
    expect(msg.toString('hex')).toBe(
      [
        '5a415000 0100 0080 10000000 2b000000', // type 0x80, size 43
        '07000000 00000000', // u32 7
        '12000000 01000000', // @24 text → 24+18 = 42 ("A" was set second, so it follows "BB")
        '08000000 02000000', // @32 bytes → 32+8 = 40
        '4242 41',
      ]
        .join('')
        .replace(/\s+/g, ''),
    );
    const m = parseZapMessage(msg);
    expect(m).toMatchObject({ version: 1, flags: 0x8000, type: 0x80, rootOffset: 16 });
    const o = readZapRootObject(msg, 0x80, 24, 'test');
    expect([o.u32(0), o.text(8, 'a'), o.bytes(16, 'b').toString()]).toEqual([7, 'A', 'BB']);
  });

  it('ignores bytes beyond the declared size', () => {
    const msg = Buffer.concat([buildZapMessage(1, 8, (o) => o.text(0, 'x')), Buffer.from('trailing')]);
    expect(readZapRootObject(msg, 1, 8, 'test').text(0, 'f')).toBe('x');
    expect(parseZapMessage(msg).bytes.length).toBe(25);
  });

  it('refuses fields outside the object and out-of-range values when building', () => {
    expect(() => buildZapMessage(256, 8, () => {})).toThrow(/0-255/);
    expect(() => buildZapMessage(1, 8, (o) => o.bytes(4, Buffer.from('x')))).toThrow(/does not fit an object of dataSize 8/);
    expect(() => buildZapMessage(1, 8, (o) => o.u16(0, 70000))).toThrow(/out of range/);
  });

  it('refuses a root object that does not fit, with a ZapMessageError', () => {
    const msg = buildZapMessage(1, 8, () => {});
    expect(() => readZapRootObject(msg, 1, 16, 'thing')).toThrow(ZapMessageError);
    expect(() => readZapRootObject(msg, 1, 16, 'thing')).toThrow(/thing: object at offset 16 with 16 fixed bytes does not fit a message of 24 bytes/);
  });
});

/**
 * CRC-32C (Castagnoli), the hash the Go gateway uses for shard placement
 * (hash/crc32 with the Castagnoli table): reflected polynomial 0x82F63B78,
 * init and final xor 0xFFFFFFFF, over the UTF-8 bytes. crc32c("123456789")
 * is 0xE3069283. Results are unsigned 32-bit numbers.
 */
const TABLE = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    t[i] = c >>> 0;
  }
  return t;
})();

export function crc32c(text: string): number {
  let crc = 0xffffffff;
  for (const byte of Buffer.from(text, 'utf8')) crc = TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/**
 * The bytes of a binary field read back from the database: a Buffer (a mongoose document) or the
 * driver's Binary (a lean read), whose `buffer` is the bytes' view.
 */
export function bytesOf(data: unknown): Buffer {
  if (Buffer.isBuffer(data)) return data;
  const inner = (data as { buffer?: Uint8Array }).buffer;
  return inner ? Buffer.from(inner.buffer, inner.byteOffset, inner.byteLength) : Buffer.alloc(0);
}

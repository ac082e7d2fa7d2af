/** `seq 1 N | head -c bytes`: what the `stream.seq_bytes` fixture handler prints. */
export function seqBytes(bytes: number): Buffer {
  const lines: string[] = [];
  let length = 0;
  for (let i = 1; length < bytes; i++) {
    const line = `${i}\n`;
    lines.push(line);
    length += line.length;
  }
  return Buffer.from(lines.join('')).subarray(0, bytes);
}

/**
 * Extracts a zip file (a deployment package given to `Code.fromAsset` as a
 * `.zip`) with Node built-ins only: stored and deflated entries, Unix modes
 * and symbolic links. No zip64, no encryption.
 */
/* eslint-disable no-bitwise */ // zip headers are bit fields (flags, Unix modes)
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { LocalRunnerError } from './errors';

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const CENTRAL_FILE_HEADER = 0x02014b50;
const LOCAL_FILE_HEADER = 0x04034b50;
const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;
const S_IFDIR = 0o040000;

export function extractZip(zipFile: string, destination: string): void {
  const data = fs.readFileSync(zipFile);
  const fail = (why: string): never => {
    throw new LocalRunnerError(`Cannot extract ${zipFile}: ${why}`);
  };
  let eocd = -1;
  for (let i = data.length - 22; i >= Math.max(0, data.length - 22 - 0xffff); i--) {
    if (data.readUInt32LE(i) === END_OF_CENTRAL_DIRECTORY) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) {
    fail('not a zip file');
  }
  const count = data.readUInt16LE(eocd + 10);
  let offset = data.readUInt32LE(eocd + 16);
  if (offset === 0xffffffff || count === 0xffff) {
    fail('zip64 archives are not supported');
  }
  const root = path.resolve(destination);
  fs.mkdirSync(root, { recursive: true });
  for (let n = 0; n < count; n++) {
    if (data.readUInt32LE(offset) !== CENTRAL_FILE_HEADER) {
      fail('corrupt central directory');
    }
    const flags = data.readUInt16LE(offset + 8);
    const method = data.readUInt16LE(offset + 10);
    const compressedSize = data.readUInt32LE(offset + 20);
    const nameLength = data.readUInt16LE(offset + 28);
    const extraLength = data.readUInt16LE(offset + 30);
    const commentLength = data.readUInt16LE(offset + 32);
    const madeBy = data.readUInt16LE(offset + 4) >> 8;
    const externalAttributes = data.readUInt32LE(offset + 38);
    const localOffset = data.readUInt32LE(offset + 42);
    const name = data.toString('utf8', offset + 46, offset + 46 + nameLength);
    offset += 46 + nameLength + extraLength + commentLength;

    if (flags & 0x1) {
      fail(`${name} is encrypted`);
    }
    const target = path.resolve(root, name);
    if (target !== root && !target.startsWith(root + path.sep)) {
      fail(`${name} points outside the archive`);
    }
    const unixMode = madeBy === 3 ? externalAttributes >>> 16 : 0;
    if (name.endsWith('/') || (unixMode & S_IFMT) === S_IFDIR) {
      fs.mkdirSync(target, { recursive: true });
      continue;
    }
    if (data.readUInt32LE(localOffset) !== LOCAL_FILE_HEADER) {
      fail(`corrupt local header for ${name}`);
    }
    const start = localOffset + 30 + data.readUInt16LE(localOffset + 26) + data.readUInt16LE(localOffset + 28);
    const raw = data.subarray(start, start + compressedSize);
    let content: Buffer;
    if (method === 0) {
      content = raw;
    } else if (method === 8) {
      content = zlib.inflateRawSync(raw);
    } else {
      return fail(`${name} uses compression method ${method}`);
    }
    fs.mkdirSync(path.dirname(target), { recursive: true });
    if ((unixMode & S_IFMT) === S_IFLNK) {
      fs.symlinkSync(content.toString('utf8'), target);
      continue;
    }
    fs.writeFileSync(target, content);
    // Without Unix attributes, Lambda gives files 0644; keep what the archive says otherwise.
    fs.chmodSync(target, unixMode & 0o777 ? unixMode & 0o777 : 0o644);
  }
}

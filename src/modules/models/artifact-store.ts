import { createHash, randomUUID } from 'node:crypto';
import { chmod, mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

const DIGEST = /^[0-9a-f]{64}$/;

export type ArtifactFailure = 'TOO_LARGE' | 'EMPTY';

export class ArtifactError extends Error {
  override readonly name = 'ArtifactError';
  constructor(
    readonly code: ArtifactFailure,
    message: string,
  ) {
    super(message);
  }
}

/** An upload written to a temporary file: not yet a stored artifact. */
export interface StagedArtifact {
  readonly tempPath: string;
  readonly sha256: string;
  readonly size: number;
}

export interface ArtifactStore {
  readonly dir: string;
  /** Streams bytes to a temporary file, hashing as it goes; stops reading past `maxBytes`. */
  stage(source: ReadableStream<Uint8Array>, maxBytes: number): Promise<StagedArtifact>;
  /** Moves a staged upload to its content address; returns the stored path. */
  commit(staged: StagedArtifact): Promise<string>;
  discard(staged: StagedArtifact): Promise<void>;
  /** The path of a stored artifact, from its digest only. */
  pathOf(sha256: string): string;
  /** True when the stored file still has its digest. */
  verify(sha256: string): Promise<boolean>;
  remove(sha256: string): Promise<void>;
  /** Stores bytes already in memory (the demo model, the import command). */
  put(bytes: Uint8Array): Promise<{ sha256: string; path: string }>;
}

/**
 * Model files stored by SHA-256 under one directory, owner-only (0700 directory, 0600 files).
 * No name from a user ever becomes part of a path: paths are built from hex digests and UUIDs.
 */
export function createArtifactStore(dir: string): ArtifactStore {
  let ready: Promise<void> | undefined;
  const ensureDir = () =>
    (ready ??= (async () => {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      await chmod(dir, 0o700);
    })());

  const pathOf = (sha256: string) => {
    if (!DIGEST.test(sha256)) throw new TypeError('an artifact is addressed by a lowercase hex SHA-256');
    return join(dir, `${sha256}.onnx`);
  };

  const store: ArtifactStore = {
    dir,
    pathOf,
    async stage(source, maxBytes) {
      await ensureDir();
      const tempPath = join(dir, `.upload-${randomUUID()}`);
      const file = await open(tempPath, 'wx', 0o600);
      const hash = createHash('sha256');
      const reader = source.getReader();
      let size = 0;
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          size += value.byteLength;
          if (size > maxBytes) {
            // Stop reading now: the rest of the stream is never pulled in.
            await reader.cancel().catch(() => undefined);
            throw new ArtifactError('TOO_LARGE', `The model file is larger than the limit of ${maxBytes} bytes.`);
          }
          hash.update(value);
          await file.write(value);
        }
        if (size === 0) throw new ArtifactError('EMPTY', 'The model file is empty.');
        await file.close();
        return { tempPath, sha256: hash.digest('hex'), size };
      } catch (error) {
        await file.close().catch(() => undefined);
        await rm(tempPath, { force: true });
        throw error;
      } finally {
        reader.releaseLock();
      }
    },
    async commit(staged) {
      const target = pathOf(staged.sha256);
      // Same content, same name: an existing file is the same artifact, keep it.
      await rename(staged.tempPath, target);
      await chmod(target, 0o600);
      return target;
    },
    async discard(staged) {
      await rm(staged.tempPath, { force: true });
    },
    async verify(sha256) {
      try {
        const bytes = await readFile(pathOf(sha256));
        return createHash('sha256').update(bytes).digest('hex') === sha256;
      } catch {
        return false;
      }
    },
    async remove(sha256) {
      await rm(pathOf(sha256), { force: true });
    },
    async put(bytes) {
      await ensureDir();
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      const path = pathOf(sha256);
      const present = await stat(path).then(
        () => true,
        () => false,
      );
      if (!present || !(await store.verify(sha256))) {
        const tempPath = join(dir, `.upload-${randomUUID()}`);
        const file = await open(tempPath, 'wx', 0o600);
        try {
          await file.write(bytes);
        } finally {
          await file.close();
        }
        await rename(tempPath, path);
        await chmod(path, 0o600);
      }
      return { sha256, path };
    },
  };
  return store;
}

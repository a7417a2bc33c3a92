// A new or renamed file is only durable once its directory entry is: fsync the directory itself
// after creating, linking or renaming in it (evidence, keys and WARC files all rely on this).
import { open } from 'node:fs/promises';

export async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

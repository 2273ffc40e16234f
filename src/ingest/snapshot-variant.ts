/**
 * Source.variant for snapshots dated from outside their content (`--as-of`, else the date in the
 * file's name): the moment they are dated with. The same content dated another moment (an idle
 * cluster's numbers repeat) is another load, not a repeat of the first.
 */
import { snapshotTimeFromName } from './snapshot-time.js';

export function snapshotVariant(file: string, at: string | undefined): string | undefined {
  try {
    return at ?? snapshotTimeFromName(file);
  } catch {
    return undefined; // a name with a bad date: stage() says so
  }
}

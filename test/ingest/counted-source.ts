/** A source that counts how the pipeline staged its files: alone (`stage`), or in groups (`stageMany`, offered only if `grouped`). */
import type { Source } from '../../src/ingest/source.js';

export function counted(base: Source, grouped: boolean) {
  const calls = { alone: 0, groups: [] as number[] };
  const source: Source = {
    ...base,
    stage: (ctx) => {
      calls.alone++;
      return base.stage(ctx);
    },
    stageMany: grouped
      ? (ctx, files) => {
          calls.groups.push(files.length);
          return base.stageMany!(ctx, files);
        }
      : undefined,
  };
  return { source, calls };
}

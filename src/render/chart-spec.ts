/**
 * Loading a chart's Vega-Lite spec: `NAME.vl.json` from the override directory (`--templates
 * DIR`, its `charts/` folder or the directory itself) when it has one, else from the project's
 * `templates/charts/`. A spec that is not JSON, or not a Vega-Lite object, is a configuration
 * error naming the file.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TopLevelSpec } from 'vega-lite';
import { UsageError } from '../errors.js';

/** templates/charts/ of this checkout or package (src/render/ → ../../; dist/src/render/ → ../../../). */
export function builtInChartDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++, dir = dirname(dir)) {
    const candidate = join(dir, 'templates', 'charts');
    if (existsSync(candidate)) return candidate;
  }
  throw new Error('templates/charts/ not found above ' + fileURLToPath(import.meta.url));
}

/** Where a chart's spec is read from: the override directory first, then the built-in one. */
export function chartSpecPath(name: string, templatesDir?: string): string {
  const file = `${name}.vl.json`;
  if (templatesDir) {
    for (const dir of [join(templatesDir, 'charts'), templatesDir]) {
      const path = resolve(dir, file);
      if (existsSync(path)) return path;
    }
  }
  return join(builtInChartDir(), file);
}

export interface LoadedSpec {
  path: string;
  spec: TopLevelSpec;
}

export function loadChartSpec(name: string, templatesDir?: string): LoadedSpec {
  const path = chartSpecPath(name, templatesDir);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`${path}: cannot read the spec of chart "${name}" (${(e as Error).message}).`);
  }
  let spec: unknown;
  try {
    spec = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${path}: the spec of chart "${name}" is not valid JSON (${(e as Error).message}). Fix the file or remove it to use the built-in spec.`);
  }
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) {
    throw new UsageError(`${path}: the spec of chart "${name}" must be a Vega-Lite object, got ${Array.isArray(spec) ? 'an array' : typeof spec}.`);
  }
  return { path, spec: spec as TopLevelSpec };
}

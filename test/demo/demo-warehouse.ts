/**
 * The demo warehouse for the tests that read it: `gazette ingest` of sample-data/ into DIR (a minute
 * or two). GAZETTE_TEST_DEMO_DB names one loaded before (by the same code) to reuse while working on
 * a test; it is opened read-only by the commands the tests run.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, runCli } from '../helpers.js';

export async function demoWarehouse(dir: string): Promise<string> {
  const reuse = process.env.GAZETTE_TEST_DEMO_DB;
  if (reuse && fs.existsSync(reuse)) return reuse;
  const db = path.join(dir, 'demo.duckdb');
  const sample = path.join(ROOT, 'sample-data');
  const load = await runCli(['ingest', '--db', db, '--config', path.join(sample, 'gazette.yaml'), sample]);
  assert.equal(load.code, 0, load.stderr);
  return db;
}

/**
 * Reads SKAB (Skoltech Anomaly Benchmark, github.com/waico/SKAB, GPL-3.0) from a git checkout
 * at run time; none of its data is copied into this repository. `SKAB_DIR` names the checkout,
 * by default bench/data/skab/SKAB at the repository root (ignored by git).
 *
 * The split is SKAB's own (core/utils.py, preprocess_skab): train_test_split(train_size=400,
 * shuffle=False) per file, so the first 400 rows of each file are training data and the rest
 * is the test set the leaderboard scores. Files: every .csv under data/ except anomaly-free/
 * (load_skab), i.e. data/valve1 (16), data/valve2 (4) and data/other (14): 34 experiments.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const SKAB_REPO = 'https://github.com/waico/SKAB';
export const SKAB_COMMIT = 'b2c0d46c2971dcbfe71e26087b6d231998bb91c2';
export const SKAB_LICENSE = 'GPL-3.0';
export const SKAB_TRAIN_ROWS = 400;
const FOLDERS = ['valve1', 'valve2', 'other'];

export const defaultSkabDir = (): string => process.env.SKAB_DIR ?? resolve(import.meta.dirname, '../../../bench/data/skab/SKAB');

export interface SkabFile {
  /** Path under data/, e.g. valve1/3.csv. */
  name: string;
  /** Sensor channel names, in column order (datetime, anomaly and changepoint excluded). */
  channels: string[];
  /** Row times, ms since the epoch (the file's wall-clock times read as UTC; only differences matter). */
  times: number[];
  /** values[row][channel]. */
  values: number[][];
  anomaly: number[];
  changepoint: number[];
}

/** "2020-03-09 10:14:33" as ms since the epoch, read as UTC (pandas parse_dates gives naive times). */
export function parseSkabTime(s: string): number {
  const t = Date.parse(`${s.trim().replace(' ', 'T')}Z`);
  if (!Number.isFinite(t)) throw new Error(`SKAB: unreadable datetime "${s}"`);
  return t;
}

/** One SKAB csv: ';'-separated, a header row, LF or CRLF line ends. */
export function parseSkabCsv(name: string, text: string): SkabFile {
  const lines = text.split(/\r?\n/).filter((l) => l.trim().length > 0);
  const header = lines[0].split(';').map((h) => h.trim());
  const iTime = header.indexOf('datetime');
  const iAnomaly = header.indexOf('anomaly');
  const iChange = header.indexOf('changepoint');
  if (iTime < 0 || iAnomaly < 0 || iChange < 0) throw new Error(`SKAB: ${name} lacks datetime/anomaly/changepoint columns`);
  const channelIdx = header.map((_, i) => i).filter((i) => i !== iTime && i !== iAnomaly && i !== iChange);
  const file: SkabFile = { name, channels: channelIdx.map((i) => header[i]), times: [], values: [], anomaly: [], changepoint: [] };
  for (const line of lines.slice(1)) {
    const f = line.split(';');
    file.times.push(parseSkabTime(f[iTime]));
    file.values.push(channelIdx.map((i) => Number(f[i])));
    file.anomaly.push(Number(f[iAnomaly]));
    file.changepoint.push(Number(f[iChange]));
  }
  return file;
}

/** The checkout's commit, or undefined when it is not a git checkout. */
export function skabCommit(dir: string): string | undefined {
  try {
    return execFileSync('git', ['-C', dir, 'rev-parse', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

export function skabAvailable(dir: string): boolean {
  return FOLDERS.every((f) => existsSync(join(dir, 'data', f)));
}

/** The 34 files with anomalies, in a fixed order (folder, then file number). */
export function loadSkab(dir: string): SkabFile[] {
  const out: SkabFile[] = [];
  for (const folder of FOLDERS) {
    const names = readdirSync(join(dir, 'data', folder))
      .filter((n) => n.endsWith('.csv'))
      .sort((a, b) => parseInt(a, 10) - parseInt(b, 10));
    for (const n of names) out.push(parseSkabCsv(`${folder}/${n}`, readFileSync(join(dir, 'data', folder, n), 'utf8')));
  }
  return out;
}

export const HOW_TO_GET_SKAB = [
  `SKAB not found at ${defaultSkabDir()} (set SKAB_DIR to a checkout). It is GPL-3.0 and read at run time, never committed here:`,
  `  git clone ${SKAB_REPO} bench/data/skab/SKAB && git -C bench/data/skab/SKAB checkout ${SKAB_COMMIT.slice(0, 7)}`,
].join('\n');

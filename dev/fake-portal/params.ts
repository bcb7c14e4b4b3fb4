/**
 * Request parameter parsing the way PHP (and so Bitrix24) sees it: query
 * strings and form bodies with bracket keys (`cmd[a]=…`, `FIELDS[]=…`)
 * become nested objects; JSON bodies are taken as they are.
 */

/** Parameters of a call: nested objects/arrays of strings (query, form) or any JSON. */
export type Params = Record<string, unknown>;

function splitKey(key: string): string[] {
  const first = key.indexOf('[');
  if (first <= 0) return [key];
  const parts = [key.slice(0, first)];
  const re = /\[([^\]]*)\]/g;
  let m: RegExpExecArray | null;
  let end = first;
  re.lastIndex = first;
  while ((m = re.exec(key)) !== null && m.index === end) {
    parts.push(m[1]!);
    end = re.lastIndex;
  }
  // PHP keeps a malformed tail as part of the last key; treat the whole as a plain key instead.
  if (end !== key.length) return [key];
  return parts;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Sets `value` at a PHP bracket path inside `target`. */
function assign(target: Params, key: string, value: unknown): void {
  const path = splitKey(key);
  let node: Record<string, unknown> = target;
  for (let i = 0; i < path.length; i++) {
    const last = i === path.length - 1;
    let seg = path[i]!;
    if (seg === '') {
      // `x[]`: next numeric index, as PHP appends.
      const nums = Object.keys(node)
        .filter((k) => /^[0-9]+$/.test(k))
        .map(Number);
      seg = String(nums.length ? Math.max(...nums) + 1 : 0);
    }
    if (last) {
      node[seg] = value;
    } else {
      const next = node[seg];
      if (!isRecord(next)) node[seg] = {};
      node = node[seg] as Record<string, unknown>;
    }
  }
}

/** Turns `{0: a, 1: b}` objects (from `x[]` / `x[0]` keys) into arrays, as PHP lists serialise. */
function listify(v: unknown): unknown {
  if (!isRecord(v)) return v;
  const keys = Object.keys(v);
  for (const k of keys) v[k] = listify(v[k]);
  if (keys.length > 0 && keys.every((k, i) => k === String(i))) return keys.map((k) => v[k]);
  return v;
}

/** Parses `a=1&cmd[x]=…` pairs into nested params. */
export function parsePairs(pairs: Iterable<[string, string]>): Params {
  const out: Params = {};
  for (const [k, v] of pairs) {
    if (k === '') continue;
    assign(out, k, v);
  }
  for (const k of Object.keys(out)) out[k] = listify(out[k]);
  return out;
}

/** Parses a query string (with or without the leading `?`). */
export function parseQuery(query: string): Params {
  return parsePairs(new URLSearchParams(query.startsWith('?') ? query.slice(1) : query));
}

/** A `Y`/`N` flag as Bitrix reads it; also accepts booleans and 1/0. `def` when absent. */
export function flag(v: unknown, def: boolean): boolean {
  if (v === undefined || v === null || v === '') return def;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  const s = String(v).trim().toUpperCase();
  if (s === 'Y' || s === '1' || s === 'TRUE') return true;
  if (s === 'N' || s === '0' || s === 'FALSE') return false;
  return def;
}

/** A non-negative integer parameter; `def` when absent or not a number. */
export function intParam(v: unknown, def: number): number {
  if (typeof v === 'number' && Number.isFinite(v)) return Math.max(0, Math.trunc(v));
  if (typeof v === 'string' && /^\s*[0-9]+\s*$/.test(v)) return Number(v.trim());
  return def;
}

/** Case-insensitive lookup of a parameter (Bitrix upper-cases parameter names). */
export function param(params: Params, name: string): unknown {
  if (name in params) return params[name];
  const upper = name.toUpperCase();
  for (const k of Object.keys(params)) if (k.toUpperCase() === upper) return params[k];
  return undefined;
}

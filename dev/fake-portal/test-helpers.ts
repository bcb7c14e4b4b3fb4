/**
 * Small HTTP helpers for the fake portal's own tests: raw fetches, so the
 * tests see exactly what a client would (status, content type, body).
 */

/** What came back. `json` is undefined when the body is not JSON. */
export interface Answer {
  status: number;
  type: string;
  text: string;
  json: unknown;
}

/** Reads a response into an {@link Answer}. */
export async function answer(res: Response): Promise<Answer> {
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, type: res.headers.get('content-type') ?? '', text, json };
}

/** POSTs JSON to `base + method` (base ends with `/`). */
export async function postJson(base: string, method: string, params: Record<string, unknown> = {}): Promise<Answer> {
  const res = await fetch(`${base}${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(params),
  });
  return answer(res);
}

/** GETs `base + method?query`. */
export async function get(base: string, method: string, query: Record<string, string> = {}): Promise<Answer> {
  const qs = new URLSearchParams(query).toString();
  return answer(await fetch(`${base}${method}${qs ? `?${qs}` : ''}`));
}

/** POSTs an `application/x-www-form-urlencoded` body. */
export async function postForm(base: string, method: string, body: string): Promise<Answer> {
  const res = await fetch(`${base}${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body,
  });
  return answer(res);
}

/** The `result` of a success envelope, typed loosely for assertions. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function resultOf(a: Answer): any {
  return (a.json as { result?: unknown } | undefined)?.result;
}

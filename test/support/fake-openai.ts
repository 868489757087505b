/**
 * A fake OpenAI-compatible API on 127.0.0.1, port 0, for tests that drive the real `openai` client.
 * Speaks `POST /v1/chat/completions` (and Azure's `/openai/deployments/<d>/chat/completions`) and
 * `GET /v1/models`. By default it "translates" by echoing `[<lang>] <text>` for every language the
 * request's JSON schema asks for, and analyses with a tiny keyword rule. Tests can add latency,
 * script the next answers (429 + retry-after, 500, malformed or schema-violating JSON, a refusal, a
 * hang, a dropped connection) and inspect every request received.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** What to do with one incoming chat-completions request; consumed in order, one per request. */
export type FakeStep = {
  latencyMs?: number;
  /** Answer only once this settles (then after `latencyMs`): lets a test release answers together. */
  until?: Promise<unknown>;
} & (
  | { type: 'ok' }
  | { type: 'status'; status: number; headers?: Record<string, string>; message?: string }
  | { type: 'content'; content: string; finishReason?: string }
  | { type: 'json'; value: unknown }
  | { type: 'refusal'; refusal: string }
  | { type: 'hang' }
  | { type: 'drop' }
);

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  /** Parsed JSON body, or `undefined`. */
  body: any;
}

export interface FakeAnalysis {
  sentiment: 'positive' | 'neutral' | 'negative' | 'mixed';
  confidence: { positive: number; neutral: number; negative: number };
  language: string | null;
  entities: { text: string; category: string }[];
}

export interface FakeOpenAIOptions {
  /** Delay before every answer. @defaultValue 0 */
  latencyMs?: number;
  /** When set, requests without `Authorization: Bearer <key>` or `api-key: <key>` get 401. */
  apiKey?: string;
  /** Replaces the default keyword analysis. */
  analyze?: (text: string) => FakeAnalysis;
  /** Called with every request as it arrives, before it is answered (tests wait on it). */
  onRequest?: (request: RecordedRequest) => void;
  /** Listen on this port (a model server that comes up where the bot expects it). @defaultValue 0 */
  port?: number;
}

export interface FakeOpenAI {
  /** Base URL for the `openai` client, ending in `/v1`. */
  url: string;
  /** `http://127.0.0.1:<port>`: the Azure endpoint form. */
  origin: string;
  /** Every request received, in order. */
  requests: RecordedRequest[];
  /** Only the chat-completions requests (= model calls, SDK retries included). */
  chatRequests(): RecordedRequest[];
  /** Appends steps for the next requests; when the script is empty the default answer is used. */
  script(...steps: FakeStep[]): void;
  /**
   * Answers every chat request with this step until cleared (`null`), e.g. a 503 outage;
   * `models: true` fails `GET /v1/models` the same way (a server that is overloaded as a whole).
   */
  setFailure(step: FakeStep | null, opts?: { models?: boolean }): void;
  setLatency(ms: number): void;
  close(): Promise<void>;
}

/** Starts the fake server and resolves once it listens. */
export async function startFakeOpenAI(options: FakeOpenAIOptions = {}): Promise<FakeOpenAI> {
  const requests: RecordedRequest[] = [];
  const steps: FakeStep[] = [];
  let latencyMs = options.latencyMs ?? 0;
  let failure: FakeStep | null = null;
  let failModels = false;
  let counter = 0;
  const analyze = options.analyze ?? keywordAnalysis;

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: any;
      try {
        body = raw === '' ? undefined : JSON.parse(raw);
      } catch {
        body = undefined;
      }
      const recorded: RecordedRequest = { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers, body };
      requests.push(recorded);
      options.onRequest?.(recorded);
      const id = ++counter;

      if (options.apiKey !== undefined) {
        const auth = req.headers.authorization ?? '';
        if (auth !== `Bearer ${options.apiKey}` && req.headers['api-key'] !== options.apiKey) {
          return sendError(res, 401, 'Incorrect API key provided.', 'invalid_api_key');
        }
      }
      if (req.method === 'GET' && url.pathname === '/v1/models' && failModels && failure) return respond(res, failure, body, id, analyze);
      if (req.method === 'GET' && url.pathname === '/v1/models') {
        return send(res, 200, { object: 'list', data: [{ id: 'fake-model', object: 'model', created: 0, owned_by: 'parley-tests' }] });
      }
      const isChat = url.pathname === '/v1/chat/completions' || /^\/openai\/deployments\/[^/]+\/chat\/completions$/.test(url.pathname);
      if (req.method !== 'POST' || !isChat) return sendError(res, 404, `No route for ${req.method} ${url.pathname}`, 'not_found');
      if (body === undefined) return sendError(res, 400, 'Body must be JSON.', 'invalid_json');

      const step = failure ?? steps.shift() ?? { type: 'ok' };
      const delay = step.latencyMs ?? latencyMs;
      // Not `req.destroyed`: a fully read request is auto-destroyed, which would swallow every
      // delayed answer. The response closing before we answered means the client went away.
      let clientGone = false;
      res.once('close', () => (clientGone = true));
      const answer = () => {
        if (clientGone || res.destroyed) return;
        respond(res, step, body, id, analyze);
      };
      if (step.type === 'hang') return; // the client's timeout (or close()) ends it
      const later = () => (delay > 0 ? setTimeout(answer, delay) : answer());
      if (step.until) void step.until.then(later, later);
      else later();
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;

  let closing: Promise<void> | undefined;
  return {
    url: `${origin}/v1`,
    origin,
    requests,
    chatRequests: () => requests.filter((r) => r.path.endsWith('/chat/completions')),
    script: (...more) => void steps.push(...more),
    setFailure: (step, opts = {}) => {
      failure = step;
      failModels = Boolean(opts.models);
    },
    setLatency: (ms) => void (latencyMs = ms),
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      })),
  };
}

function respond(res: http.ServerResponse, step: FakeStep, body: any, id: number, analyze: (text: string) => FakeAnalysis): void {
  switch (step.type) {
    case 'status':
      return sendError(res, step.status, step.message ?? `Scripted status ${step.status}`, 'scripted', step.headers);
    case 'drop':
      res.socket?.destroy();
      return;
    case 'content':
      return send(res, 200, completion(body, id, step.content, null, step.finishReason));
    case 'json':
      return send(res, 200, completion(body, id, JSON.stringify(step.value), null));
    case 'refusal':
      return send(res, 200, completion(body, id, null, step.refusal));
    default:
      return send(res, 200, completion(body, id, defaultContent(body, analyze), null));
  }
}

function defaultContent(body: any, analyze: (text: string) => FakeAnalysis): string {
  const format = body?.response_format?.json_schema;
  const text = inputText(body);
  if (format?.name === 'analysis') return JSON.stringify(analyze(text));
  if (format?.name === 'translation' || requestedLanguages(body).length > 0) {
    const translations = Object.fromEntries(requestedLanguages(body).map((lang) => [lang, `[${lang}] ${text}`]));
    return JSON.stringify({ detectedLanguage: 'en', translations });
  }
  return text;
}

/** Target languages: from the JSON schema's `translations` properties, else from a "target languages: …" line. */
export function requestedLanguages(body: any): string[] {
  const translations = body?.response_format?.json_schema?.schema?.properties?.translations;
  if (translations && typeof translations === 'object') {
    const required: unknown = translations.required;
    if (Array.isArray(required) && required.length > 0) return required.map(String);
    if (translations.properties) return Object.keys(translations.properties);
  }
  const prompt = messages(body).map((m) => m.text).join('\n');
  const line = /target languages[^:\n]*:\s*([^\n]+)/i.exec(prompt)?.[1] ?? '';
  return line
    .split(',')
    .map((part) => /^\s*([a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*)\b/.exec(part)?.[1])
    .filter((code): code is string => code !== undefined);
}

/** The message text: the last user turn, without the `<tag>` … `</tag>` delimiter lines around it. */
export function inputText(body: any): string {
  const user = messages(body).filter((m) => m.role === 'user').at(-1)?.text ?? '';
  const lines = user.split('\n');
  const open = /^<([\w-]+)>$/.exec(lines[0] ?? '');
  if (open && lines.length >= 2 && lines.at(-1) === `</${open[1]}>`) return lines.slice(1, -1).join('\n');
  return user;
}

function messages(body: any): { role: string; text: string }[] {
  const list: any[] = Array.isArray(body?.messages) ? body.messages : [];
  return list.map((m) => ({
    role: String(m?.role),
    text: typeof m?.content === 'string' ? m.content : Array.isArray(m?.content) ? m.content.map((p: any) => p?.text ?? '').join('') : '',
  }));
}

function keywordAnalysis(text: string): FakeAnalysis {
  const positive = /\b(love|great|happy|wonderful|excellent|good|thanks)\b/i.test(text);
  const negative = /\b(hate|terrible|awful|bad|angry|worst)\b/i.test(text);
  const sentiment = positive && negative ? 'mixed' : positive ? 'positive' : negative ? 'negative' : 'neutral';
  const confidence = {
    positive: positive ? 0.8 : 0.1,
    neutral: positive || negative ? 0.1 : 0.8,
    negative: negative ? 0.8 : 0.1,
  };
  const entities = [...text.matchAll(/\b[A-Z][a-z]+(?: [A-Z][a-z]+)+\b|\S+@\S+\.[a-z]+/g)].map((m) => ({
    text: m[0],
    category: m[0].includes('@') ? 'Email' : 'Person',
  }));
  return { sentiment, confidence, language: 'en', entities };
}

function completion(body: any, id: number, content: string | null, refusal: string | null, finishReason = 'stop') {
  const promptChars = messages(body).reduce((n, m) => n + m.text.length, 0);
  const prompt_tokens = Math.ceil(promptChars / 4);
  const completion_tokens = Math.ceil((content ?? refusal ?? '').length / 4);
  return {
    id: `chatcmpl-fake-${id}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: typeof body?.model === 'string' ? body.model : 'fake-model',
    choices: [{ index: 0, message: { role: 'assistant', content, refusal }, finish_reason: finishReason, logprobs: null }],
    usage: { prompt_tokens, completion_tokens, total_tokens: prompt_tokens + completion_tokens },
  };
}

function send(res: http.ServerResponse, status: number, payload: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', 'x-request-id': `req_fake_${status}_${Date.now()}`, ...headers });
  res.end(JSON.stringify(payload));
}

function sendError(res: http.ServerResponse, status: number, message: string, code: string, headers?: Record<string, string>): void {
  send(res, status, { error: { message, type: status === 429 ? 'rate_limit_exceeded' : 'fake_error', param: null, code } }, headers);
}

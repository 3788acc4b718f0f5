// Reading web server and CDN access logs into hits, one line at a time (pure: a line in, a record out).
//
// nginx: the `combined` format (https://nginx.org/en/docs/http/ngx_http_log_module.html#log_format)
//   $remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent"
// and the same with "$http_range" added as one more quoted field, told apart line by line.
// CloudFront: standard logs, tab-separated W3C fields named by the `#Fields:` line
// (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/standard-logs-reference.html).
import { isRealDay } from '../contract/calendar.js';

export type LogFormat = 'nginx' | 'cloudfront';

export interface LogRecord {
  time: number;
  ip: string;
  method: string;
  /** Request path without the query. */
  path: string;
  status: number;
  /**
   * Body bytes sent. CloudFront's sc-bytes counts the response headers too: capped at the
   * response's Content-Length (sc-content-len) when the log has it.
   */
  bytes: number;
  userAgent: string;
  /** The Range header, when the log has it. */
  range?: string;
  /** CloudFront: the first and last byte of the range sent (sc-range-start, sc-range-end). */
  rangeStart?: number;
  rangeEnd?: number;
}

const QUOTED = '"((?:[^"\\\\]|\\\\.)*)"';
const NGINX = new RegExp(`^(\\S+) \\S+ \\S+ \\[([^\\]]+)\\] ${QUOTED} (\\d{3}) (\\d+|-) ${QUOTED} ${QUOTED}(?: ${QUOTED})?\\s*$`);
const MONTHS: Record<string, string> = {
  Jan: '01',
  Feb: '02',
  Mar: '03',
  Apr: '04',
  May: '05',
  Jun: '06',
  Jul: '07',
  Aug: '08',
  Sep: '09',
  Oct: '10',
  Nov: '11',
  Dec: '12',
};

/** nginx writes `"` and non-ASCII bytes as \xHH inside quoted fields. */
function unescapeNginx(s: string): string {
  return s.includes('\\')
    ? s.replace(/\\x([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))).replace(/\\(.)/g, '$1')
    : s;
}

let lastDate = '';
let lastDateMs = NaN;

/**
 * `10/Oct/2000:13:55:36 -0700` -> ms since the epoch. The date and zone are parsed once for a run
 * of lines of the same day; anything but plain digits in range goes the long way.
 */
function nginxTime(text: string): number {
  if (text.length === 26 && text.charCodeAt(20) === 32) {
    const date = text.slice(0, 11) + text.slice(20);
    if (date !== lastDate) {
      lastDateMs = nginxTimeSlow(`${text.slice(0, 11)}:00:00:00${text.slice(20)}`);
      lastDate = date;
    }
    const h = twoDigits(text, 12);
    const m = twoDigits(text, 15);
    const sec = twoDigits(text, 18);
    if (
      !Number.isNaN(lastDateMs) &&
      h < 24 &&
      m < 60 &&
      sec < 60 &&
      text.charCodeAt(11) === 58 &&
      text.charCodeAt(14) === 58 &&
      text.charCodeAt(17) === 58
    ) {
      return lastDateMs + ((h * 60 + m) * 60 + sec) * 1000;
    }
  }
  return nginxTimeSlow(text);
}

/** Two ASCII digits at `at` as a number; 99 when they are not digits. */
function twoDigits(text: string, at: number): number {
  const a = text.charCodeAt(at) - 48;
  const b = text.charCodeAt(at + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : 99;
}

function nginxTimeSlow(text: string): number {
  const m = /^(\d{2})\/(\w{3})\/(\d{4}):(\d{2}):(\d{2}):(\d{2}) ([+-]\d{2})(\d{2})$/.exec(text);
  if (!m || !MONTHS[m[2]] || !isRealDay(Number(m[3]), Number(MONTHS[m[2]]), Number(m[1]))) return NaN;
  return Date.parse(`${m[3]}-${MONTHS[m[2]]}-${m[1]}T${m[4]}:${m[5]}:${m[6]}${m[7]}:${m[8]}`);
}

function pathOf(target: string): string {
  if (!target.includes('?') && !target.includes('#')) return target;
  const q = target.search(/[?#]/);
  return q >= 0 ? target.slice(0, q) : target;
}

/**
 * The end of a quoted field that starts at `open` (a `"`): the index of its closing quote, or -1
 * when the field holds a backslash (an escape: left to the full expression) or no closing quote.
 */
function plainQuotedEnd(line: string, open: number): number {
  if (line.charCodeAt(open) !== 34) return -1;
  const close = line.indexOf('"', open + 1);
  if (close < 0) return -1;
  const slash = line.indexOf('\\', open + 1);
  return slash >= 0 && slash < close ? -1 : close;
}

/**
 * The usual line, read with indexOf and no regular expression: a combined line (with or without
 * the Range field) whose quoted fields hold no escapes. Undefined for anything else, which goes
 * to the full expression, so both ways read a line the same or the fast one does not read it.
 */
function parseNginxPlain(line: string): LogRecord | string | undefined {
  const s1 = line.indexOf(' ');
  const s2 = s1 > 0 ? line.indexOf(' ', s1 + 1) : -1;
  const s3 = s2 > s1 + 1 ? line.indexOf(' ', s2 + 1) : -1;
  if (s3 <= s2 + 1 || line.charCodeAt(s3 + 1) !== 91 || !/^\S+ \S+ \S+$/.test(line.slice(0, s3))) return undefined;
  const timeEnd = line.indexOf(']', s3 + 2);
  if (timeEnd <= s3 + 2 || line.charCodeAt(timeEnd + 1) !== 32) return undefined;
  const requestEnd = plainQuotedEnd(line, timeEnd + 2);
  if (requestEnd < 0 || line.charCodeAt(requestEnd + 1) !== 32) return undefined;
  const statusAt = requestEnd + 2;
  const status = (line.charCodeAt(statusAt) - 48) * 100 + (line.charCodeAt(statusAt + 1) - 48) * 10 + (line.charCodeAt(statusAt + 2) - 48);
  for (let i = statusAt; i < statusAt + 3; i++) if (line.charCodeAt(i) < 48 || line.charCodeAt(i) > 57) return undefined;
  if (line.charCodeAt(statusAt + 3) !== 32) return undefined;
  const bytesEnd = line.indexOf(' ', statusAt + 4);
  if (bytesEnd <= statusAt + 4) return undefined;
  const bytesText = line.slice(statusAt + 4, bytesEnd);
  if (bytesText !== '-' && !/^\d+$/.test(bytesText)) return undefined;
  const refererEnd = plainQuotedEnd(line, bytesEnd + 1);
  if (refererEnd < 0 || line.charCodeAt(refererEnd + 1) !== 32) return undefined;
  const agentEnd = plainQuotedEnd(line, refererEnd + 2);
  if (agentEnd < 0) return undefined;
  let range: string | undefined;
  let end = agentEnd + 1;
  if (line.charCodeAt(end) === 32 && line.charCodeAt(end + 1) === 34) {
    const rangeEnd = plainQuotedEnd(line, end + 1);
    if (rangeEnd < 0) return undefined;
    range = line.slice(end + 2, rangeEnd);
    end = rangeEnd + 1;
  }
  // Only white space may follow.
  if (end < line.length && line.slice(end).trim() !== '') return undefined;
  const timeText = line.slice(s3 + 2, timeEnd);
  const time = nginxTime(timeText);
  if (Number.isNaN(time)) return `unreadable time "${timeText}"`;
  const requestText = line.slice(timeEnd + 3, requestEnd);
  const request = requestText.split(' ');
  if (request.length < 2 && !(status >= 400)) return `unreadable request "${requestText}"`;
  const userAgent = line.slice(refererEnd + 3, agentEnd);
  return {
    time,
    ip: line.slice(0, s1),
    method: request[0],
    path: pathOf(request[1] ?? ''),
    status,
    bytes: bytesText === '-' ? 0 : Number(bytesText),
    userAgent: userAgent === '-' ? '' : userAgent,
    range: range === undefined || range === '-' || range === '' ? undefined : range,
  };
}

/**
 * One nginx line; a string saying what is wrong when it cannot be read. A request line with no
 * target is what nginx logs, with a 400 or 408, for a connection that sent no request (`"-"`) or
 * no HTTP (a TLS handshake on the plain port, as `\x16\x03...`): a readable line that names no
 * file, so it is read (and never counted) rather than reported.
 */
export function parseNginxLine(line: string): LogRecord | string {
  const plain = parseNginxPlain(line);
  if (plain !== undefined) return plain;
  const m = NGINX.exec(line);
  if (!m) return 'not an nginx combined log line';
  const time = nginxTime(m[2]);
  if (Number.isNaN(time)) return `unreadable time "${m[2]}"`;
  const request = unescapeNginx(m[3]).split(' ');
  if (request.length < 2 && !(Number(m[4]) >= 400)) return `unreadable request "${m[3]}"`;
  const range = m[8] === undefined || m[8] === '-' || m[8] === '' ? undefined : unescapeNginx(m[8]);
  return {
    time,
    ip: m[1],
    method: request[0],
    path: pathOf(request[1] ?? ''),
    status: Number(m[4]),
    bytes: m[5] === '-' ? 0 : Number(m[5]),
    userAgent: m[7] === '-' ? '' : unescapeNginx(m[7]),
    range,
  };
}

/** The field order CloudFront writes when a file has no `#Fields:` line. */
export const CLOUDFRONT_FIELDS =
  'date time x-edge-location sc-bytes c-ip cs-method cs(Host) cs-uri-stem sc-status cs(Referer) cs(User-Agent) cs-uri-query cs(Cookie) x-edge-result-type x-edge-request-id x-host-header cs-protocol cs-bytes time-taken x-forwarded-for ssl-protocol ssl-cipher x-edge-response-result-type cs-protocol-version fle-status fle-encrypted-fields c-port time-to-first-byte x-edge-detailed-result-type sc-content-type sc-content-len sc-range-start sc-range-end'.split(
    ' ',
  );

/** CloudFront URL-encodes fields, some twice (the User-Agent's spaces come as %2520). */
function decodeField(s: string): string {
  let out = s;
  for (let i = 0; i < 2 && /%[0-9A-Fa-f]{2}/.test(out); i++) {
    try {
      out = decodeURIComponent(out);
    } catch {
      break;
    }
  }
  return out;
}

/** One CloudFront line with the file's field names; a string saying what is wrong when it cannot be read. */
export function parseCloudFrontLine(line: string, fields: string[]): LogRecord | string {
  const values = line.split('\t');
  if (values.length < Math.min(fields.length, 12)) return `expected ${fields.length} tab-separated fields, found ${values.length}`;
  const get = (name: string) => {
    const i = fields.indexOf(name);
    const v = i >= 0 ? values[i] : undefined;
    return v === undefined || v === '-' ? undefined : v;
  };
  const date = /^(\d{4})-(\d{2})-(\d{2})$/.exec(get('date') ?? '');
  // Date.parse reads 31 February as 3 March: a count on the wrong day.
  const time = date && isRealDay(Number(date[1]), Number(date[2]), Number(date[3])) ? Date.parse(`${get('date')}T${get('time')}Z`) : NaN;
  if (Number.isNaN(time)) return `unreadable date and time "${get('date')} ${get('time')}"`;
  const status = Number(get('sc-status'));
  const ip = get('c-ip');
  const method = get('cs-method');
  const stem = get('cs-uri-stem');
  if (!ip || !method || !stem || !(status >= 0)) return 'a field among c-ip, cs-method, cs-uri-stem, sc-status is missing';
  const rangeStart = get('sc-range-start');
  const rangeEnd = get('sc-range-end');
  const contentLength = get('sc-content-len');
  const sent = Number(get('sc-bytes') ?? 0);
  return {
    time,
    ip,
    method,
    path: decodeField(stem),
    status,
    // sc-bytes = headers + body: a whole response is its Content-Length exactly; one cut short
    // still counts its headers (a few hundred bytes) as body, an overcount no field corrects.
    bytes: contentLength !== undefined && /^\d+$/.test(contentLength) ? Math.min(sent, Number(contentLength)) : sent,
    userAgent: decodeField(get('cs(User-Agent)') ?? ''),
    rangeStart: rangeStart !== undefined && /^\d+$/.test(rangeStart) ? Number(rangeStart) : undefined,
    rangeEnd: rangeEnd !== undefined && /^\d+$/.test(rangeEnd) ? Number(rangeEnd) : undefined,
  };
}

/**
 * The byte interval a record says was sent, for a file of `size` bytes: from where the range began
 * (a `bytes=N-` or `bytes=N-M` header on a 206, or CloudFront's sc-range-start) for the bytes sent;
 * a full response (or a log without ranges) is bytes from the start of the file.
 */
export function sentInterval(record: LogRecord, size: number): [number, number][] {
  if (record.bytes <= 0) return [];
  let start = 0;
  let last = Infinity;
  if (record.status === 206) {
    if (record.rangeStart !== undefined) {
      start = record.rangeStart;
      // CloudFront names the range's last byte: bytes beyond it are the headers sc-bytes counted.
      if (record.rangeEnd !== undefined) last = record.rangeEnd;
    } else if (record.range) {
      const m = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)/i.exec(record.range);
      if (m && m[1] !== '') start = Number(m[1]);
      else if (m && m[2] !== '') start = Math.max(0, size - Number(m[2])); // suffix range: the last N bytes
    }
  }
  const end = Math.min(size - 1, start + record.bytes - 1, last);
  return end >= start ? [[start, end]] : [];
}

/**
 * Who may talk to `warden serve`: bearer tokens for ingest and for reads, a session cookie for
 * the live page (browsers cannot put a header on an EventSource), and Host/Origin checks so a web
 * page elsewhere cannot reach the receiver through the user's browser (DNS rebinding, CSRF).
 */
import { createHmac, timingSafeEqual, createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';

export type AccessScope = 'ingest' | 'read';

export interface AccessOptions {
  /** Bearer token senders present on ingest; also for reads unless `readToken` is set. */
  token?: string;
  /** Bearer token (or live-page login) for reads: the page, /alerts, /api/*, /metrics. */
  readToken?: string;
  /** The address the server listens on. */
  host: string;
  /** Extra Host header names accepted (e.g. the name a reverse proxy forwards). */
  allowedHosts: string[];
}

const SESSION_COOKIE = 'warden_session';

/** Loopback addresses and names: binding there keeps the receiver on this machine. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h === '::1') return true;
  return isIP(h) === 4 && h.startsWith('127.');
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** Compares in constant time (over digests, so lengths leak nothing either). */
function sameSecret(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

/** The hostname of a Host header or an Origin's host, without port or brackets, lower case. */
function hostnameOf(hostHeader: string): string {
  const m = /^\[([^\]]+)\](?::\d+)?$/.exec(hostHeader) ?? /^([^:]+)(?::\d+)?$/.exec(hostHeader);
  return (m?.[1] ?? hostHeader).toLowerCase();
}

export class AccessControl {
  private readonly acceptedHosts: Set<string> | undefined;
  private readonly sessionValue: string | undefined;

  constructor(private readonly options: AccessOptions) {
    const bound = hostnameOf(options.host.includes(':') && !options.host.startsWith('[') ? `[${options.host}]` : options.host);
    const wildcard = bound === '0.0.0.0' || bound === '::';
    // Behind a wildcard bind the valid names are unknown: then only `allowedHosts` restricts
    // them (when given) and the token does the rest.
    this.acceptedHosts =
      wildcard && options.allowedHosts.length === 0
        ? undefined
        : new Set(['localhost', '127.0.0.1', '::1', ...(wildcard ? [] : [bound]), ...options.allowedHosts.map((h) => h.toLowerCase())]);
    const read = this.readSecret;
    this.sessionValue = read ? createHmac('sha256', read).update('warden-serve-session-v1').digest('base64url') : undefined;
  }

  private get readSecret(): string | undefined {
    return this.options.readToken ?? this.options.token;
  }

  /** True when reads need a credential (a token is configured). */
  get readsProtected(): boolean {
    return this.readSecret !== undefined;
  }

  /** The Host header names this server (DNS rebinding sends the attacker's name). */
  hostAllowed(req: IncomingMessage): boolean {
    if (!this.acceptedHosts) return true;
    const host = req.headers.host;
    if (!host) return false;
    return this.acceptedHosts.has(hostnameOf(host));
  }

  /** A browser's Origin, when sent, must be this server's own (no cross-site writes or reads). */
  originAllowed(req: IncomingMessage): boolean {
    const origin = req.headers.origin;
    if (origin === undefined) return true;
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      return false;
    }
    return url.host.toLowerCase() === (req.headers.host ?? '').toLowerCase();
  }

  /** Whether an Authorization value (an HTTP header, gRPC metadata) carries the token for `scope`. */
  bearerAllowed(authorization: unknown, scope: AccessScope): boolean {
    const secret = scope === 'ingest' ? this.options.token : this.readSecret;
    if (secret === undefined) return true;
    return typeof authorization === 'string' && /^bearer /i.test(authorization) && sameSecret(authorization.slice(7).trim(), secret);
  }

  /** Whether the request carries the credential for `scope` (always true when none is configured). */
  authorized(req: IncomingMessage, scope: AccessScope): boolean {
    if (this.bearerAllowed(req.headers.authorization, scope)) return true;
    // The live page's session cookie grants reads only: a browser must never be made to ingest.
    if (scope === 'read' && this.sessionValue) {
      const cookie = cookieValue(req.headers.cookie, SESSION_COOKIE);
      if (cookie !== undefined && sameSecret(cookie, this.sessionValue)) return true;
    }
    return false;
  }

  /** Checks a token typed into the login form; the Set-Cookie header value when it is right. */
  login(token: string): string | undefined {
    const secret = this.readSecret;
    if (secret === undefined || !this.sessionValue || !sameSecret(token, secret)) return undefined;
    return `${SESSION_COOKIE}=${this.sessionValue}; HttpOnly; SameSite=Strict; Path=/`;
  }
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

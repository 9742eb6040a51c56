/** Writing answers the way the real server frames them (compact JSON plus a newline, audit id, no caching). */
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { stringify } from 'yaml';
import type { Status } from './errors.js';
import type { Output } from './negotiation.js';

function commonHeaders(res: ServerResponse): void {
  if (res.headersSent) return;
  res.setHeader('Audit-Id', randomUUID());
  res.setHeader('Cache-Control', 'no-cache, private');
}

export function writeJson(res: ServerResponse, code: number, body: unknown, contentType = 'application/json'): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body) + '\n';
  commonHeaders(res);
  res.writeHead(code, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text) });
  res.end(res.req.method === 'HEAD' ? undefined : text);
}

/** An object in the negotiated representation (JSON or YAML; tables are built before this). */
export function writeObject(res: ServerResponse, code: number, body: unknown, output: Output): void {
  switch (output.kind) {
    case 'yaml':
      return writeText(res, code, stringify(body), 'application/yaml');
    case 'table':
      return writeJson(res, code, body, `application/json;as=Table;v=${output.version};g=meta.k8s.io`);
    case 'partial':
    case 'json':
      return writeJson(res, code, body);
    case 'discovery':
      return writeJson(res, code, body, `application/json;g=apidiscovery.k8s.io;v=${output.version};as=APIGroupDiscoveryList`);
  }
}

export function writeStatus(res: ServerResponse, status: Status): void {
  writeJson(res, status.code, status);
}

export function writeText(res: ServerResponse, code: number, text: string, contentType = 'text/plain; charset=utf-8', headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  commonHeaders(res);
  res.writeHead(code, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text), 'X-Content-Type-Options': 'nosniff', ...headers });
  res.end(res.req.method === 'HEAD' ? undefined : text);
}

/**
 * WATCH: a chunked stream of `{"type":..., "object":...}` lines, as the real server's watch cache
 * sends them:
 * - no resourceVersion (or "0"): the current objects as ADDED, then changes;
 * - a resourceVersion: the changes after it; one older than the kept history yields a single
 *   ERROR event carrying a 410 Expired Status on an HTTP 200 stream, which then ends;
 * - allowWatchBookmarks: BOOKMARK events with only metadata.resourceVersion, periodically and
 *   once just before a timeoutSeconds close;
 * - sendInitialEvents=true: the current objects, then a BOOKMARK annotated
 *   `k8s.io/initial-events-end: "true"`;
 * - timeoutSeconds: the server ends the stream cleanly.
 */
import { StoreError } from '../../store/errors.js';
import type { K8sObject, WatchEvent } from '../../store/types.js';
import { groupVersion } from '../catalog.js';
import { badRequest, statusOf } from '../errors.js';
import { isTrue } from '../request-info.js';
import { selectorsOf } from '../selectors.js';
import { parseIncludeObject, toTable } from '../tables.js';
import { output, present, type Call, type ServerContext } from './context.js';

type WatchType = WatchEvent['type'] | 'BOOKMARK' | 'ERROR';

export function handleWatch(ctx: ServerContext, call: Call): void {
  const out = output(call, { allowTable: true, streaming: true });
  const { query } = call.info;
  const selectors = selectorsOf(call.type, query);
  const timeout = query.get('timeoutSeconds');
  const timeoutSeconds = timeout === null || timeout === '' ? undefined : Number(timeout);
  if (timeoutSeconds !== undefined && !(Number.isFinite(timeoutSeconds) && timeoutSeconds >= 0)) {
    throw badRequest(`timeoutSeconds: Invalid value: "${timeout}": must be a non-negative integer`);
  }
  const bookmarks = isTrue(query.get('allowWatchBookmarks'));
  const initialEvents = isTrue(query.get('sendInitialEvents'));
  const rv = query.get('resourceVersion') ?? undefined;
  if (rv !== undefined && rv !== '' && !/^\d+$/.test(rv)) throw badRequest(`invalid resource version: ${rv}`);
  const include = parseIncludeObject(query.get('includeObject')) ?? 'Metadata';

  const { res } = call;
  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
  res.socket?.setNoDelay(true);
  res.flushHeaders();

  const shape = (obj: K8sObject): unknown =>
    out.kind === 'table' ? toTable(call.type, [obj], { version: out.version, include, now: ctx.now() }) : obj;
  const send = (type: WatchType, object: unknown): void => {
    if (!res.writableEnded && !res.destroyed) res.write(JSON.stringify({ type, object }) + '\n');
  };
  const bookmark = (annotations?: Record<string, string>): void => {
    send('BOOKMARK', {
      kind: call.type.kind,
      apiVersion: groupVersion(call.type.group, call.info.version),
      metadata: { resourceVersion: ctx.store.resourceVersion(), ...(annotations ? { annotations } : {}) },
    });
  };

  let bookmarkTimer: NodeJS.Timeout | undefined;
  let timeoutTimer: NodeJS.Timeout | undefined;
  let stop: () => void = () => undefined;
  let unregister: () => void = () => undefined;
  const cleanup = (): void => {
    stop();
    unregister();
    clearInterval(bookmarkTimer);
    clearTimeout(timeoutTimer);
  };
  const end = (): void => {
    cleanup();
    if (!res.writableEnded) res.end();
  };
  res.on('close', cleanup);

  // A resume point of "0" or none replays the current state; sendInitialEvents asks for it explicitly.
  const replay = initialEvents || rv === undefined || rv === '' || rv === '0';
  try {
    stop = ctx.store.watch(
      call.storage,
      call.namespace,
      { ...selectors, ...(replay ? {} : { resourceVersion: rv }) },
      (e) => send(e.type, shape(present(call, e.object))),
    );
  } catch (e) {
    if (e instanceof StoreError && e.code === 410) {
      send('ERROR', statusOf(e));
      end();
      return;
    }
    throw e;
  }
  if (initialEvents && bookmarks) bookmark({ 'k8s.io/initial-events-end': 'true' });

  unregister = ctx.watches.add({
    resource: call.type.resource,
    namespace: call.info.namespace,
    end,
    cut: () => {
      cleanup();
      res.socket?.destroy();
    },
  });
  // The exchange may have gone while this handler ran (the server closing destroys every
  // connection): its 'close' has fired already, so nothing would stop these timers.
  if (res.destroyed || call.req.destroyed) {
    cleanup();
    return;
  }
  // A watch's timers never keep a process alive on their own: the listening server does.
  if (bookmarks) bookmarkTimer = setInterval(() => bookmark(), ctx.bookmarkIntervalMs).unref();
  if (timeoutSeconds !== undefined) {
    timeoutTimer = setTimeout(() => {
      if (bookmarks) bookmark();
      end();
    }, timeoutSeconds * 1000).unref();
  }
}

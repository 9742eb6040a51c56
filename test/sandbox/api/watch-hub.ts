/** The open watch streams, so that faults can cut them and close() can end them all. */
import { filterMatches, type FaultFilter } from './faults.js';

export interface OpenWatch {
  resource: string;
  namespace: string;
  /** Ends the stream cleanly, as the server does at timeoutSeconds. */
  end(): void;
  /** Destroys the connection mid-stream, as a network failure does. */
  cut(): void;
}

export class WatchHub {
  private readonly open = new Set<OpenWatch>();

  add(w: OpenWatch): () => void {
    this.open.add(w);
    return () => this.open.delete(w);
  }

  get size(): number {
    return this.open.size;
  }

  /** Cuts the matching streams; returns how many. */
  cut(match?: FaultFilter): number {
    let n = 0;
    for (const w of [...this.open]) {
      if (!filterMatches(match, { verb: 'watch', resource: w.resource, subresource: '', namespace: w.namespace, watch: true })) continue;
      this.open.delete(w);
      w.cut();
      n++;
    }
    return n;
  }

  endAll(): void {
    for (const w of [...this.open]) {
      this.open.delete(w);
      w.end();
    }
  }
}

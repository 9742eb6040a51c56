/**
 * A port on 127.0.0.1 where a connection is refused. Port 1 lies below the ephemeral range that test
 * servers get when they listen on port 0, so no test running beside this one can take it between the
 * choice and the connection; a port bound and released a moment ago can be taken, and once answered
 * with another test's plain-HTTP server (EPROTO where ECONNREFUSED was expected).
 */
export const REFUSED_PORT = 1;

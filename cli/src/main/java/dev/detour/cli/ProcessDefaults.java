package dev.detour.cli;

/**
 * JDK networking settings every Detour process wants, applied in {@code main} before any HTTP client or
 * server exists (the JDK reads each of them once). A {@code -D} on the command line wins.
 */
final class ProcessDefaults {
    /**
     * Idle connections a JDK {@code HttpClient} pool keeps. The JDK's default is unbounded: a call that
     * starts in the moment between another call's answer and its connection's return to the pool opens a
     * new connection, so a worker holding thousands of calls in flight ratchets up thousands of idle
     * sockets (kept 30 s) and ran past 16,000 descriptors at 10,000 in flight in the bench.
     */
    static final int HTTP_CLIENT_POOL_SIZE = 2_000;

    private ProcessDefaults() {}

    static void apply() {
        setIfAbsent("jdk.httpclient.connectionPoolSize", Integer.toString(HTTP_CLIENT_POOL_SIZE));
        // Read when the JVM's first JDK HTTP server starts (registry, metrics, gateway, simulator, whichever
        // comes first): without it small answers wait for Nagle's delayed ACK, ~40 ms and more.
        setIfAbsent("sun.net.httpserver.nodelay", "true");
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}

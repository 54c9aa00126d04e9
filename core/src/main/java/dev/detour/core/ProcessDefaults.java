package dev.detour.core;

/**
 * JDK networking settings every Detour process wants, applied before any HTTP client or server exists
 * (the JDK reads each of them once per process). A {@code -D} on the command line wins.
 */
public final class ProcessDefaults {
    /**
     * Idle connections a JDK {@code HttpClient} pool keeps. The JDK's default is unbounded: a call that
     * starts in the moment between another call's answer and its connection's return to the pool opens a
     * new connection, so a worker holding thousands of calls in flight ratchets up thousands of idle
     * sockets (kept 30 s) and ran past 16,000 descriptors at 10,000 in flight in the bench.
     */
    public static final int HTTP_CLIENT_POOL_SIZE = 2_000;

    private ProcessDefaults() {}

    /** Both settings below: for a process's {@code main}. */
    public static void apply() {
        setIfAbsent("jdk.httpclient.connectionPoolSize", Integer.toString(HTTP_CLIENT_POOL_SIZE));
        serverNoDelay();
    }

    /**
     * TCP_NODELAY for the JDK's HTTP servers. Read when the process's first JDK HTTP server starts
     * (registry, metrics, gateway, simulator, whichever comes first): without it small answers on
     * keep-alive connections wait for Nagle's delayed ACK, tens of milliseconds each.
     */
    public static void serverNoDelay() {
        setIfAbsent("sun.net.httpserver.nodelay", "true");
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}

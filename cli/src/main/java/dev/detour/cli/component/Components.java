package dev.detour.cli.component;

import java.util.concurrent.CountDownLatch;

/** Runs a component until the process is asked to stop (SIGINT / SIGTERM), then closes it gracefully. */
public final class Components {
    private Components() {}

    public static int runUntilStopped(String what, AutoCloseable component) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.err.println(what + ": stopping");
            try {
                component.close();
            } catch (Exception e) {
                System.err.println(what + ": error while stopping: " + e.getMessage());
            }
            stopped.countDown();
        }));
        System.err.println(what + ": running (Ctrl-C to stop)");
        stopped.await();
        return 0;
    }
}

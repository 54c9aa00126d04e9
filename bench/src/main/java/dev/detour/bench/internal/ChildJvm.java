package dev.detour.bench.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A main class of the bench's class path in its own OS process, started with this JVM's java binary:
 * it has its own heap, collector pauses and file-descriptor limit, as the service it stands for has in
 * a deployment. Started once its standard output printed a line matching the ready pattern; the
 * rest of that output is drained, its standard error goes to this process's.
 *
 * <p>The process is stopped by {@link #close}, by a shutdown hook if this JVM exits first, and on its
 * own when this JVM disappears without either (killed): the child's main calls {@link #exitWithParent}.
 */
final class ChildJvm implements AutoCloseable {
    private final Process process;
    private final Matcher ready;
    private final Thread shutdownHook;
    private final Duration stopTimeout;

    private ChildJvm(Process process, Matcher ready, Thread shutdownHook, Duration stopTimeout) {
        this.process = process;
        this.ready = ready;
        this.shutdownHook = shutdownHook;
        this.stopTimeout = stopTimeout;
    }

    /**
     * @param name what the child is, for messages and thread names
     * @param jvmArgs the child's JVM options (heap, collector, system properties)
     * @param ready a line of the child's standard output that says it is up; its groups are kept
     * @param stopTimeout how long {@link #close} lets the child shut down before killing it
     */
    static ChildJvm start(String name, Class<?> main, List<String> jvmArgs, List<String> args, Pattern ready,
                          Duration startTimeout, Duration stopTimeout) throws IOException {
        // The launcher's permissions for libraries (Kafka's use of sun.misc.Unsafe, native access) hold in the child too.
        List<String> command = command(a -> a.startsWith("--sun-misc-unsafe-memory-access")
                || a.startsWith("--enable-native-access"), jvmArgs, main, args);
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        // Asked to stop, not killed: the broker's own shutdown hook deletes its data directory.
        Thread hook = stopWhenThisJvmExits(name, process, stopTimeout);
        try {
            return new ChildJvm(process, awaitReady(name, process, ready, startTimeout), hook, stopTimeout);
        } catch (IOException | RuntimeException e) {
            stop(process, stopTimeout);
            removeHook(hook);
            throw e;
        }
    }

    /**
     * The command that runs {@code main} of this JVM's class path with this JVM's java binary: the options
     * this JVM was started with that {@code inherit} keeps, then {@code jvmArgs}, this JVM's logback
     * configuration (unless a kept option names one), the class, then {@code args}.
     */
    static List<String> command(Predicate<String> inherit, List<String> jvmArgs, Class<?> main, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        ManagementFactory.getRuntimeMXBean().getInputArguments().stream().filter(inherit).forEach(command::add);
        command.addAll(jvmArgs);
        String logback = System.getProperty("logback.configurationFile");
        if (logback != null && command.stream().noneMatch(a -> a.startsWith("-Dlogback.configurationFile="))) {
            command.add("-Dlogback.configurationFile=" + logback);
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(args);
        return command;
    }

    /** Registers a shutdown hook that {@linkplain #stop stops} the child if this JVM exits first; returns the hook. */
    static Thread stopWhenThisJvmExits(String name, Process process, Duration stopTimeout) {
        Thread hook = new Thread(() -> stop(process, stopTimeout), "bench-" + name + "-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        return hook;
    }

    /** For the child's main: ends the child (shutdown hooks included) when the parent process ends. */
    static void exitWithParent() {
        ProcessHandle.current().parent().ifPresent(parent -> parent.onExit().thenRun(() -> System.exit(0)));
    }

    /** The ready line's match. */
    Matcher ready() {
        return ready;
    }

    long pid() {
        return process.pid();
    }

    /** Reads the child's stdout until its ready line, then keeps draining it on a daemon thread. */
    private static Matcher awaitReady(String name, Process process, Pattern ready, Duration timeout) throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<Matcher> found = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("bench-" + name + "-stdout").start(() -> {
            try {
                for (String line; (line = out.readLine()) != null; ) {
                    Matcher m = ready.matcher(line);
                    if (!found.isDone() && m.find()) {
                        found.complete(m);
                    }
                }
                found.completeExceptionally(new IOException("the " + name + " process ended before it was ready (exit "
                        + process.waitFor() + ")"));
            } catch (IOException | InterruptedException e) {
                found.completeExceptionally(e);
            }
        });
        try {
            return found.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IOException("the " + name + " process was not ready within " + timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted waiting for the " + name + " process", e);
        }
    }

    @Override
    public void close() {
        stop(process, stopTimeout);
        removeHook(shutdownHook);
    }

    /** Asks the process to stop (SIGTERM), and kills it when it has not ended within {@code timeout}. */
    static void stop(Process process, Duration timeout) {
        process.destroy();
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** Unregisters a hook of {@link #stopWhenThisJvmExits}, unless it is already running. */
    static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or about to: it stops the process itself
        }
    }
}

package dev.detour.cli.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Both ways Detour's processes start (the {@code detour} launcher and the image's entry point) lift the
 * JDK HTTP server's cap of 200 idle keep-alive connections: above it the server closes a connection its
 * client has already pooled, and the client's next call on it fails ("header parser received no
 * bytes"; 188 of 9,000 calls over 300 busy connections in a check of 2026-12-03, none with the cap lifted).
 */
class LauncherOptionsTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern IDLE_CAP = Pattern.compile("-Dsun\\.net\\.httpserver\\.maxIdleConnections=(\\d+)");

    @Test
    void theLauncherLiftsTheIdleConnectionCapUnlessTheOptionsSetIt() throws IOException {
        String launcher = Files.readString(ROOT.resolve("detour"));
        assertThat(cap(launcher)).isGreaterThanOrEqualTo(10_000);
        assertThat(launcher).contains("*sun.net.httpserver.maxIdleConnections*) detour_idle=\"\"");
        assertThat(launcher).containsPattern("exec .*\\$detour_idle \\$\\{DETOUR_JAVA_OPTS");
    }

    @Test
    void theImageLiftsItToo() throws IOException {
        String entryPoint = Files.readAllLines(ROOT.resolve("Dockerfile")).stream()
                .filter(l -> l.startsWith("ENTRYPOINT")).findFirst().orElseThrow();
        assertThat(cap(entryPoint)).isGreaterThanOrEqualTo(10_000);
    }

    private static int cap(String text) {
        Matcher m = IDLE_CAP.matcher(text);
        assertThat(m.find()).as("sets %s", IDLE_CAP.pattern()).isTrue();
        return Integer.parseInt(m.group(1));
    }
}

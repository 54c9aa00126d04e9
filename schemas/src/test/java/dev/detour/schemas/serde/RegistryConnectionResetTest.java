package dev.detour.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;

import dev.detour.schema.CompletionResult;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A registry that drops a connection without answering (a pooled connection it closed, or a server
 * briefly out of sockets) costs a retry, not a failed serialization: a worker would otherwise end a job
 * failed after paying for its provider call.
 */
class RegistryConnectionResetTest {

    @Test
    void aDroppedConnectionIsRetriedAndTheRegistrationSucceeds() throws Exception {
        AtomicInteger connections = new AtomicInteger();
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread.ofPlatform().daemon(true).start(() -> serve(server, connections));
            SchemaRegistryClient client = SchemaRegistryClients.forUrl(
                    "http://127.0.0.1:" + server.getLocalPort(), null, Duration.ofSeconds(5));

            int id = client.register("detour.results-value", CompletionResult.getClassSchema());

            assertThat(id).isEqualTo(7);
            assertThat(connections).as("the first connection was dropped, the second answered").hasValue(2);
        }
    }

    /** Drops the first connection unanswered; answers every later request with schema id 7. */
    private static void serve(ServerSocket server, AtomicInteger connections) {
        while (!server.isClosed()) {
            try (Socket socket = server.accept()) {
                if (connections.incrementAndGet() == 1) {
                    socket.setSoLinger(true, 0); // close with a reset, as a server out of sockets does
                    continue;
                }
                var in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
                int length = 0;
                for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                    if (line.toLowerCase().startsWith("content-length:")) {
                        length = Integer.parseInt(line.substring("content-length:".length()).trim());
                    }
                }
                in.skip(length);
                byte[] body = "{\"id\":7}".getBytes(StandardCharsets.UTF_8);
                OutputStream out = socket.getOutputStream();
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/vnd.schemaregistry.v1+json\r\n"
                        + "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.UTF_8));
                out.write(body);
                out.flush();
            } catch (Exception e) {
                // closed at the end of the test
            }
        }
    }
}

package dev.detour.bench.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** bench-results.json: the run's environment and every suite's report. */
public final class ResultsFile {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ResultsFile() {}

    /**
     * @param startedAt when the run began
     * @param mode "quick" or "full"
     * @param environment machine and broker facts (cores, heap, bootstrap servers, registry)
     * @param suites the reports in run order: {@link SuiteReport}s, or suites as {@link #read} returns them
     *     (from the files of suites that ran in their own JVM)
     */
    public record Run(Instant startedAt, String mode, Map<String, Object> environment, List<?> suites) {}

    public static void write(Path file, Run run) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("startedAt", run.startedAt().toString());
        doc.put("mode", run.mode());
        doc.put("environment", run.environment());
        doc.put("suites", run.suites());
        MAPPER.writeValue(file.toFile(), doc);
    }

    public static Map<?, ?> read(Path file) throws IOException {
        return MAPPER.readValue(file.toFile(), Map.class);
    }
}

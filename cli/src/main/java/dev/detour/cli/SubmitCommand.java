package dev.detour.cli;

import dev.detour.cli.config.DetourConfig;
import dev.detour.client.DetourClient;
import dev.detour.client.DetourClientConfig;
import dev.detour.schema.CompletionRequest;
import dev.detour.schema.CompletionResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Publishes jobs from flags or from a JSON / JSONL file, and optionally waits for their results. */
@Command(name = "submit", description = "Publish completion requests (from flags or a JSON/JSONL file).")
final class SubmitCommand implements Callable<Integer> {
    @Mixin ConnectionOptions connection;

    @Option(names = {"-t", "--tenant"}, description = "Tenant of the jobs.") String tenant;
    @Option(names = {"-m", "--model"}, description = "Model id or model group, e.g. fast-cheap.") String model;
    @Option(names = {"-p", "--prompt"}, description = "The user message.") String prompt;
    @Option(names = "--system", description = "A system message.") String system;
    @Option(names = "--max-tokens") Integer maxTokens;
    @Option(names = "--temperature") Double temperature;
    @Option(names = "--strategy", description = "cost | latency | balanced") String strategy;
    @Option(names = "--job-id", description = "Idempotency key (default: a fresh UUID).") String jobId;
    @Option(names = "--deadline", description = "Seconds until the job fails with reason deadline (default: ${DEFAULT-VALUE}).", defaultValue = "120") long deadlineSeconds;
    @Option(names = {"-f", "--file"}, description = "Requests as JSON (object or array) or JSON Lines.") Path file;
    @Option(names = {"-w", "--wait"}, description = "Wait for the results and print them.") boolean await;
    @Option(names = "--timeout", description = "Seconds to wait with --wait (default: ${DEFAULT-VALUE}).", defaultValue = "300") long timeoutSeconds;
    @Option(names = "--format", description = "table | json (default: ${DEFAULT-VALUE}).", defaultValue = "table") ResultPrinter.Format format;

    @Override
    public Integer call() throws Exception {
        List<CompletionRequest> requests = requests();
        DetourConfig config = connection.config();
        ConnectionOptions.checkReachable(config);
        DetourClientConfig clientConfig = new DetourClientConfig(config.bootstrapServers(), config.registryUrl(),
                config.topics().prefix(), config.kafkaClientProperties());
        try (DetourClient client = DetourClient.create(clientConfig)) {
            List<CompletableFuture<CompletionResult>> futures = client.submitAll(requests);
            requests.forEach(r -> System.err.println("submitted " + r.getJobId()));
            if (!await) {
                return 0;
            }
            ResultPrinter printer = new ResultPrinter(System.out, format);
            List<CompletableFuture<Void>> printed = new ArrayList<>();
            futures.forEach(f -> printed.add(f.thenAccept(r -> {
                synchronized (printer) {
                    printer.print(r);
                }
            })));
            try {
                CompletableFuture.allOf(printed.toArray(CompletableFuture[]::new)).get(timeoutSeconds, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                throw new UserError("no result for " + futures.stream().filter(f -> !f.isDone()).count()
                        + " job(s) within " + timeoutSeconds + " s (are the router and workers running?)");
            }
            boolean allOk = futures.stream().allMatch(f -> f.join().getStatus() == dev.detour.schema.ResultStatus.SUCCEEDED);
            return allOk ? 0 : 3;
        }
    }

    private List<CompletionRequest> requests() {
        if (file != null) {
            return RequestFiles.read(file, tenant, model, deadlineSeconds);
        }
        if (prompt == null) {
            throw new UserError("give --prompt (with --tenant and --model) or --file");
        }
        var json = new com.fasterxml.jackson.databind.node.ObjectNode(com.fasterxml.jackson.databind.node.JsonNodeFactory.instance);
        json.put("prompt", prompt);
        if (system != null) json.put("system", system);
        if (jobId != null) json.put("jobId", jobId);
        if (maxTokens != null) json.put("maxTokens", maxTokens);
        if (temperature != null) json.put("temperature", temperature);
        if (strategy != null) json.put("strategy", strategy);
        return List.of(RequestFiles.fromJson(json, tenant, model, deadlineSeconds));
    }
}

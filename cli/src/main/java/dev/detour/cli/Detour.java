package dev.detour.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code detour} command. Each subcommand is one user job or one component run alone. */
@Command(name = "detour", mixinStandardHelpOptions = true, scope = CommandLine.ScopeType.INHERIT, version = "detour 0.1.0",
        description = "Kafka-native failover and cost routing for LLM calls.",
        subcommands = {DemoCommand.class, SubmitCommand.class, ResultsCommand.class, ReplayCommand.class,
                ProvidersCommand.class, dev.detour.ledger.audit.AuditCommand.class,
                ComponentCommands.CatalogCmd.class, ConfigCommands.TenantCmd.class, ConfigCommands.KeysCmd.class, ComponentCommands.KafkaCmd.class, ComponentCommands.RouterCmd.class, ComponentCommands.WorkerCmd.class,
                ComponentCommands.LedgerCmd.class, GatewayCommand.class, BenchCommand.class, ComponentCommands.RegistryCmd.class, ComponentCommands.SimulatorCmd.class,
                CommandLine.HelpCommand.class})
public final class Detour implements Runnable {

    @picocli.CommandLine.Option(names = "--verbose", description = "Show stack traces of errors.", scope = picocli.CommandLine.ScopeType.INHERIT)
    static boolean verbose;

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    public static void main(String[] args) {
        dev.detour.core.ProcessDefaults.apply();
        System.exit(commandLine().execute(args));
    }

    /** The command line with Detour's error handling: one clear line and a non-zero exit, the stack only with --verbose. */
    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Detour());
        cl.setExecutionExceptionHandler((ex, line, parseResult) -> {
            String message = ex.getMessage() == null || ex.getMessage().isBlank()
                    ? ex.getClass().getSimpleName()
                    : ex.getMessage().lines().findFirst().orElse("");
            line.getErr().println("detour: " + message);
            if (verbose) {
                ex.printStackTrace(line.getErr());
            }
            return 2;
        });
        return cl;
    }
}

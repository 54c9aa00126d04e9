package dev.detour.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code detour} command. Each subcommand is one user job or one component run alone. */
@Command(name = "detour", mixinStandardHelpOptions = true, version = "detour 0.1.0",
        description = "Kafka-native failover and cost routing for LLM calls.",
        subcommands = {DemoCommand.class, CommandLine.HelpCommand.class})
public final class Detour implements Runnable {

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new Detour()).execute(args));
    }
}

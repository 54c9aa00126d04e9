package dev.detour.cli;

import picocli.CommandLine;

/** Opens the package-private command line to tests in other packages. */
public final class DetourAccess {
    private DetourAccess() {}

    public static CommandLine commandLine() {
        return Detour.commandLine();
    }
}

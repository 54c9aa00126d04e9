package dev.detour.core.catalog;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A catalog that cannot be used. Names every offending key (for example
 * {@code deployments[12].prices.input}) so the operator can fix the file without guessing.
 */
public final class CatalogException extends RuntimeException {

    private final List<CatalogProblem> problems;

    public CatalogException(List<CatalogProblem> problems) {
        super(describe(problems));
        this.problems = List.copyOf(problems);
    }

    public CatalogException(String key, String message) {
        this(List.of(new CatalogProblem(key, message)));
    }

    public List<CatalogProblem> problems() {
        return problems;
    }

    private static String describe(List<CatalogProblem> problems) {
        return "invalid catalog: " + problems.stream().map(CatalogProblem::toString).collect(Collectors.joining("; "));
    }
}

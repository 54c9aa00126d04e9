package dev.detour.core.catalog;

/** One thing wrong with a catalog, at the key that holds it. */
public record CatalogProblem(String key, String message) {
    @Override
    public String toString() {
        return key + ": " + message;
    }
}

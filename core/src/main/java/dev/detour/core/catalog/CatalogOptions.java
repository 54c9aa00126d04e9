package dev.detour.core.catalog;

import java.util.Map;

/**
 * How a catalog file is turned into a {@link dev.detour.schema.Catalog}.
 *
 * @param baseUrlOverrides    provider name -> base URL replacing the one in the file (deployment
 *                            configuration, the simulator, a regional endpoint); checked like the file's
 * @param allowPrivateBaseUrl accept link-local and metadata addresses as base URLs (never needed for the
 *                            public providers; only for unusual private setups)
 */
public record CatalogOptions(Map<String, String> baseUrlOverrides, boolean allowPrivateBaseUrl) {

    public static final CatalogOptions DEFAULT = new CatalogOptions(Map.of(), false);

    public CatalogOptions {
        baseUrlOverrides = Map.copyOf(baseUrlOverrides);
    }

    public static CatalogOptions withOverrides(Map<String, String> baseUrlOverrides) {
        return new CatalogOptions(baseUrlOverrides, false);
    }
}

package dev.detour.ledger.spend;

/**
 * Store key of the finest spend bucket: tenant x UTC day x provider x model. Encoded as one string whose
 * prefix is the tenant and then the day, so a tenant's days come out of a prefix scan in date order.
 */
public record SpendKey(String tenant, String day, String provider, String model) {

    static final char SEP = '\u001f';

    public String encode() {
        return tenant + SEP + day + SEP + provider + SEP + model;
    }

    public static SpendKey decode(String encoded) {
        String[] p = encoded.split(String.valueOf(SEP), -1);
        if (p.length != 4) {
            throw new IllegalArgumentException("not a spend key: " + encoded.replace(SEP, '|'));
        }
        return new SpendKey(p[0], p[1], p[2], p[3]);
    }

    /** Prefix of every key of a tenant. */
    public static String tenantPrefix(String tenant) {
        return tenant + SEP;
    }

    /** Key of the tenant x day bucket (a separate, smaller store used for budgets and savings). */
    public static String tenantDay(String tenant, String day) {
        return tenant + SEP + day;
    }

    public static String dayOfTenantDay(String encoded) {
        return encoded.substring(encoded.indexOf(SEP) + 1);
    }
}

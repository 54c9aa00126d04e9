package dev.detour.schemas.serde;

/**
 * A registry answered with an error, or could not be reached. {@link #errorCode()} is the
 * Confluent error code ({@code 40401} subject not found, {@code 40403} schema not found,
 * {@code 409} incompatible, ...); transport failures carry {@link #UNREACHABLE}.
 */
public class SchemaRegistryException extends RuntimeException {

    public static final int SUBJECT_NOT_FOUND = 40401;
    public static final int VERSION_NOT_FOUND = 40402;
    public static final int SCHEMA_NOT_FOUND = 40403;
    public static final int INCOMPATIBLE_SCHEMA = 409;
    public static final int INVALID_SCHEMA = 42201;
    public static final int INVALID_VERSION = 42202;
    public static final int INVALID_COMPATIBILITY_LEVEL = 42203;
    public static final int STORE_ERROR = 50001;
    public static final int TIMEOUT = 50002;
    /** Client side: no registry URL answered. */
    public static final int UNREACHABLE = -1;

    private final int httpStatus;
    private final int errorCode;

    public SchemaRegistryException(int httpStatus, int errorCode, String message) {
        this(httpStatus, errorCode, message, null);
    }

    public SchemaRegistryException(int httpStatus, int errorCode, String message, Throwable cause) {
        super(message, cause);
        this.httpStatus = httpStatus;
        this.errorCode = errorCode;
    }

    public static SchemaRegistryException unreachable(String message, Throwable cause) {
        return new SchemaRegistryException(0, UNREACHABLE, message, cause);
    }

    public int httpStatus() {
        return httpStatus;
    }

    public int errorCode() {
        return errorCode;
    }

    /** The registry could not answer (down, timed out, backend error): retrying later may succeed. */
    public boolean isUnavailable() {
        return errorCode == UNREACHABLE || httpStatus >= 500;
    }

    public boolean isNotFound() {
        return errorCode == SUBJECT_NOT_FOUND || errorCode == VERSION_NOT_FOUND || errorCode == SCHEMA_NOT_FOUND
                || httpStatus == 404;
    }
}

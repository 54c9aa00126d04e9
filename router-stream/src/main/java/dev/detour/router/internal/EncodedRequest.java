package dev.detour.router.internal;

import dev.detour.schema.CompletionRequest;
import dev.detour.schemas.serde.WireFormat;
import java.io.IOException;
import org.apache.avro.io.Encoder;

/**
 * A request passed on unchanged, which Avro's generated coders write by copying the bytes it was decoded
 * from: the request (most of a routed record: the prompt) is not encoded again. Inside a
 * {@code RoutedRequest} this keeps the record on the generated coders' straight-line path; copying the
 * field in beside a walk of the routed record's schema cost more than encoding the whole request.
 *
 * <p>Built only from bytes whose writer schema encodes {@link CompletionRequest} byte for byte
 * ({@code AvroSerializer.embeds}) and from the request decoded from them; its fields are never changed.
 * Any other writer (Avro's schema walk, {@code toString}) reads the fields and writes the same bytes.
 */
final class EncodedRequest extends CompletionRequest {
    /** Wire format: header, then the payload that is copied. */
    private final byte[] wire;

    private EncodedRequest(CompletionRequest r, byte[] wire) {
        super(r.getJobId(), r.getTenant(), r.getModel(), r.getMessages(), r.getParams(), r.getHints(),
                r.getDeadlineMs(), r.getCallback(), r.getSubmittedAtMs(), r.getMetadata(), r.getQuality());
        this.wire = wire;
    }

    /** @param wire the wire-format bytes {@code decoded} was read from, checked to be embeddable */
    static CompletionRequest of(CompletionRequest decoded, byte[] wire) {
        return new EncodedRequest(decoded, wire);
    }

    @Override
    public void customEncode(Encoder out) throws IOException {
        out.writeFixed(wire, WireFormat.HEADER_SIZE, wire.length - WireFormat.HEADER_SIZE);
    }
}

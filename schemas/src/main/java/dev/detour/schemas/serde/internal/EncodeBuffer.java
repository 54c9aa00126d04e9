package dev.detour.schemas.serde.internal;

import java.io.OutputStream;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

/**
 * A growable byte array plus the Avro encoder writing into it, reused by one platform thread across
 * records. A fresh {@code ByteArrayOutputStream} and encoder per record cost more than the encoding of
 * a 1 KB request: the stream grew 256 → 2048 bytes by copying, the encoder allocated its own 2 KB
 * buffer, and the result was copied once more.
 *
 * <p>Virtual threads (the worker's calls) share a small pool instead, taken and given back per record
 * ({@link #release}): they are many and short-lived, so a thread-local would hold a buffer per call
 * in flight and rarely be reused.
 */
public final class EncodeBuffer extends OutputStream {
    private static final int INITIAL = 4 * 1024;
    /** A buffer grown past this by one large record is not kept for the next. */
    private static final int MAX_RETAINED = 1024 * 1024;
    private static final ThreadLocal<EncodeBuffer> PER_THREAD = ThreadLocal.withInitial(EncodeBuffer::new);
    private static final AtomicReferenceArray<EncodeBuffer> SHARED = new AtomicReferenceArray<>(16);

    private byte[] buf = new byte[INITIAL];
    private int count;
    private BinaryEncoder encoder;
    private boolean pooled;

    private EncodeBuffer() {
    }

    /** An empty buffer for the calling thread, its encoder ready. Not reentrant. */
    public static EncodeBuffer acquire() {
        EncodeBuffer b = null;
        if (Thread.currentThread().isVirtual()) {
            int start = (int) Thread.currentThread().threadId();
            for (int i = 0; i < SHARED.length() && b == null; i++) {
                int slot = (start + i) & (SHARED.length() - 1);
                b = SHARED.get(slot) == null ? null : SHARED.getAndSet(slot, null);
            }
            if (b == null) {
                b = new EncodeBuffer();
                b.pooled = true;
            }
        } else {
            b = PER_THREAD.get();
            if (b.buf.length > MAX_RETAINED) {
                b = new EncodeBuffer();
                PER_THREAD.set(b);
            }
        }
        // Reconfiguring flushes what a failed write left in the encoder; emptying comes after.
        b.encoder = EncoderFactory.get().binaryEncoder(b, b.encoder);
        b.count = 0;
        return b;
    }

    /** Gives a pooled buffer back once its bytes were copied out; a thread's own buffer stays with it. */
    public void release() {
        if (!pooled || buf.length > MAX_RETAINED) {
            return;
        }
        int start = (int) Thread.currentThread().threadId();
        for (int i = 0; i < SHARED.length(); i++) {
            if (SHARED.compareAndSet((start + i) & (SHARED.length() - 1), null, this)) {
                return;
            }
        }
    }

    /** Writes into this buffer; call {@link BinaryEncoder#flush()} before {@link #toByteArray()}. */
    public BinaryEncoder encoder() {
        return encoder;
    }

    @Override
    public void write(int b) {
        ensure(1);
        buf[count++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, buf, count, len);
        count += len;
    }

    /** A copy of what was written: Kafka keeps the array it is given. */
    public byte[] toByteArray() {
        return Arrays.copyOf(buf, count);
    }

    private void ensure(int more) {
        if (count + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, count + more));
        }
    }
}

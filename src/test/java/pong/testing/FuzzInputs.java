package pong.testing;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.SplittableRandom;
import pong.protocol.Address;
import pong.protocol.Frame;
import pong.protocol.FrameType;
import pong.protocol.FrameWriter;

/**
 * Seeded hostile tunnel traffic: {@link #forRemote} is what a stranger could send to remote's listener,
 * {@link #afterStart} what a broken or hostile peer could send once a tunnel is up. Input {@code i} of a
 * seed is always the same bytes, so a failure names the input that caused it.
 *
 * <p>Addresses in connect frames are the given reachable port on 127.0.0.1, the name localhost, or
 * 10.0.0.0/8 addresses (which the fuzzed remote must deny), so no input dials anything off this machine.
 */
public final class FuzzInputs {
    public enum Kind { RANDOM_BYTES, RANDOM_FRAMES, MUTATED_FRAMES, TRUNCATED_FRAMES }

    private final long seed;
    private final byte[] header;
    private final int reachablePort;

    /** @param header a valid connection header (for inputs that get past the handshake) */
    public FuzzInputs(long seed, byte[] header, int reachablePort) {
        this.seed = seed;
        this.header = header;
        this.reachablePort = reachablePort;
    }

    public static Kind kind(int i) {
        return Kind.values()[i % Kind.values().length];
    }

    /** Input i for remote's listener: random bytes, or a valid header followed by {@link #afterStart}. */
    public byte[] forRemote(int i) {
        SplittableRandom r = random(i);
        if (kind(i) == Kind.RANDOM_BYTES) {
            // sometimes the right version byte or the right header with a few bits flipped
            byte[] b = randomBytes(r, r.nextInt(0, 200));
            if (b.length >= header.length && r.nextBoolean()) {
                System.arraycopy(header, 0, b, 0, header.length);
                b[r.nextInt(1, header.length)] ^= (byte) (1 << r.nextInt(8));
            }
            return b;
        }
        return concat(header, afterStart(i));
    }

    /** Input i as sent after a valid start of the tunnel (for both halves). */
    public byte[] afterStart(int i) {
        SplittableRandom r = random(i);
        return switch (kind(i)) {
            case RANDOM_BYTES -> randomBytes(r, r.nextInt(1, 300));
            case RANDOM_FRAMES -> randomFrames(r);
            case MUTATED_FRAMES -> mutate(r, validFrames(r));
            case TRUNCATED_FRAMES -> {
                byte[] v = validFrames(r);
                yield Arrays.copyOf(v, r.nextInt(1, v.length));
            }
        };
    }

    private SplittableRandom random(int i) {
        return new SplittableRandom(seed * 1_000_003L + i);
    }

    private static byte[] randomBytes(SplittableRandom r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }

    private static byte[] randomFrames(SplittableRandom r) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int n = r.nextInt(1, 8);
        for (int k = 0; k < n; k++) {
            int id = r.nextInt(4) == 0 ? r.nextInt() : r.nextInt(0, 8);
            byte type = (byte) (r.nextInt(3) == 0 ? r.nextInt(256) : r.nextInt(0, 10));
            out.writeBytes(FrameWriter.encode(new Frame(id, type, randomBytes(r, r.nextInt(0, 64)))));
        }
        return out.toByteArray();
    }

    /** A plausible exchange: streams opened, data, finish/close/rst, sometimes a repeated id. */
    private byte[] validFrames(SplittableRandom r) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int streams = r.nextInt(1, 4);
        for (int s = 0; s < streams; s++) {
            int id = 1 + 2 * s;
            out.writeBytes(FrameWriter.encode(new Frame(id, FrameType.CONNECT, address(r))));
            int data = r.nextInt(0, 3);
            for (int k = 0; k < data; k++) out.writeBytes(FrameWriter.encode(new Frame(id, FrameType.DATA, randomBytes(r, r.nextInt(1, 100)))));
            FrameType end = switch (r.nextInt(5)) {
                case 0 -> FrameType.FINISH;
                case 1 -> FrameType.CLOSE;
                case 2 -> FrameType.RST;
                case 3 -> FrameType.CONNECT; // the same id opened again
                default -> null;
            };
            if (end == FrameType.CONNECT) out.writeBytes(FrameWriter.encode(new Frame(id, end, address(r))));
            else if (end != null) out.writeBytes(FrameWriter.encode(new Frame(id, end)));
        }
        return out.toByteArray();
    }

    private byte[] address(SplittableRandom r) {
        return switch (r.nextInt(4)) {
            case 0 -> new Address("127.0.0.1", reachablePort).encode();
            case 1 -> new Address("localhost", reachablePort).encode();
            case 2 -> new Address("10." + r.nextInt(256) + "." + r.nextInt(256) + "." + r.nextInt(256), r.nextInt(1, 65536)).encode();
            default -> new Address("::1", reachablePort).encode();
        };
    }

    /** Flips lengths, types, ids and address bytes of valid frames; whatever parses after that is fine too. */
    private static byte[] mutate(SplittableRandom r, byte[] frames) {
        byte[] b = frames.clone();
        int n = r.nextInt(1, 4);
        for (int k = 0; k < n; k++) {
            int at = frameStart(b, r);
            switch (r.nextInt(4)) {
                case 0 -> { // length
                    int len = r.nextInt(3) == 0 ? r.nextInt(0, 7) : r.nextInt(0, 65536);
                    b[at] = (byte) (len >> 8);
                    b[at + 1] = (byte) len;
                }
                case 1 -> b[at + 6] = (byte) r.nextInt(256); // type
                case 2 -> b[at + 2 + r.nextInt(4)] = (byte) r.nextInt(256); // id
                default -> { // payload (the address of a connect): type byte, a length byte, a host byte
                    if (at + 7 < b.length) b[r.nextInt(at + 7, Math.min(b.length, at + 12))] = (byte) r.nextInt(256);
                }
            }
        }
        return b;
    }

    /** The offset of a random frame in a well-formed sequence (walks the lengths while they are still intact). */
    private static int frameStart(byte[] b, SplittableRandom r) {
        int starts = 0;
        int[] at = new int[64];
        int off = 0;
        while (off + 7 <= b.length && starts < at.length) {
            at[starts++] = off;
            int len = ((b[off] & 0xff) << 8) | (b[off + 1] & 0xff);
            if (len < 7) break;
            off += len;
        }
        return starts == 0 ? 0 : at[r.nextInt(starts)];
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}

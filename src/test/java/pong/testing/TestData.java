package pong.testing;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.SplittableRandom;

/** Reproducible pseudo-random bytes and their digests, so transfers can be checked byte-exact without keeping them. */
public final class TestData {
    private TestData() {
    }

    public static byte[] bytes(long seed, int n) {
        byte[] b = new byte[n];
        new SplittableRandom(seed).nextBytes(b);
        return b;
    }

    /** An endless-looking stream of n bytes generated from the seed, in 64 KiB blocks. */
    public static InputStream stream(long seed, long n) {
        return new InputStream() {
            private final SplittableRandom random = new SplittableRandom(seed);
            private final byte[] block = new byte[64 * 1024];
            private int pos = block.length;
            private long left = n;

            @Override
            public int read() {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (left == 0) return -1;
                if (pos == block.length) {
                    random.nextBytes(block);
                    pos = 0;
                }
                int k = (int) Math.min(Math.min(len, block.length - pos), left);
                System.arraycopy(block, pos, b, off, k);
                pos += k;
                left -= k;
                return k;
            }
        };
    }

    public static byte[] sha256(long seed, long n) throws IOException {
        return sha256(stream(seed, n));
    }

    public static byte[] sha256(InputStream in) throws IOException {
        MessageDigest md = sha256();
        byte[] buf = new byte[64 * 1024];
        int r;
        while ((r = in.read(buf)) > 0) md.update(buf, 0, r);
        return md.digest();
    }

    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

package pong.testing;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Locale;

/**
 * The server end of a WebSocket as pong-go's ws server behaves (NOTES.md), written apart from pong's
 * transport: it accepts an upgrade on any path, then each write goes out as ONE unmasked binary
 * message, and the payloads of incoming messages are concatenated into the input. Pings get pongs; a
 * close or a text message ends the input.
 *
 * <p>Threading: input read by one thread, output written by one (writes are serialized with the pongs).
 */
public final class WsServerStreams {
    public final InputStream input;
    public final OutputStream output;

    private WsServerStreams(InputStream input, OutputStream output) {
        this.input = input;
        this.output = output;
    }

    /** Reads the upgrade request (any path), answers 101, and returns the message streams. */
    public static WsServerStreams accept(Socket s) throws IOException {
        DataInputStream in = handshake(s);
        OutputStream raw = s.getOutputStream();
        OutputStream out = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public synchronized void write(byte[] b, int off, int len) throws IOException {
                frame(raw, 0x82, b, off, len);
            }
        };
        InputStream input = new InputStream() {
            private byte[] current = new byte[0];
            private int pos;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                while (pos == current.length) {
                    int b0 = in.read();
                    if (b0 < 0) return -1;
                    int b1 = in.readUnsignedByte();
                    long n = b1 & 0x7f;
                    if (n == 126) n = in.readUnsignedShort();
                    else if (n == 127) n = in.readLong();
                    byte[] mask = new byte[4];
                    if ((b1 & 0x80) != 0) in.readFully(mask);
                    byte[] payload = new byte[(int) n];
                    in.readFully(payload);
                    for (int i = 0; i < payload.length; i++) payload[i] ^= mask[i & 3];
                    int op = b0 & 0x0f;
                    if (op == 0x9) {
                        synchronized (out) {
                            frame(raw, 0x8A, payload, 0, payload.length);
                        }
                    } else if (op == 0x8 || op == 0x1) {
                        return -1;
                    } else if (op == 0x2 || op == 0x0) {
                        current = payload;
                        pos = 0;
                    }
                }
                int k = Math.min(len, current.length - pos);
                System.arraycopy(current, pos, b, off, k);
                pos += k;
                return k;
            }
        };
        return new WsServerStreams(input, out);
    }

    /** Reads the upgrade request (any path) and answers 101; the frames that follow are left in the returned stream. */
    public static DataInputStream handshake(Socket s) throws IOException {
        DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(s.getInputStream()));
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) throw new EOFException("closed during the upgrade");
            head.write(c);
        }
        String key = null;
        for (String line : head.toString(StandardCharsets.ISO_8859_1).split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("sec-websocket-key:")) key = line.substring(18).trim();
        }
        if (key == null) throw new IOException("no Sec-WebSocket-Key");
        String accept;
        try {
            accept = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1")
                    .digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IOException(e);
        }
        OutputStream raw = s.getOutputStream();
        raw.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: "
                + accept + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        raw.flush();
        return in;
    }

    private static void frame(OutputStream raw, int first, byte[] b, int off, int len) throws IOException {
        ByteArrayOutputStream f = new ByteArrayOutputStream(len + 10);
        f.write(first);
        if (len <= 125) {
            f.write(len);
        } else if (len <= 0xffff) {
            f.write(126);
            f.write(len >>> 8);
            f.write(len);
        } else {
            f.write(127);
            for (int i = 0; i < 8; i++) f.write((int) ((long) len >>> (56 - 8 * i)));
        }
        f.write(b, off, len);
        raw.write(f.toByteArray());
        raw.flush();
    }
}

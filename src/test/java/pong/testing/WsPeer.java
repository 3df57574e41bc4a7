package pong.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;
import pong.protocol.ConnectionHeader;
import pong.protocol.Frame;
import pong.protocol.FrameWriter;

/**
 * A WebSocket client written separately from pong's transport, for tests that play the peer by hand: it
 * sends whatever frames a test builds (valid or not) and reads frames back. Like pong-go's ws client
 * (NOTES.md) it sends each tunnel write as ONE binary message. Plain TCP to 127.0.0.1.
 *
 * <p>Threading: one test thread at a time.
 */
public final class WsPeer implements AutoCloseable {
    /** One frame as read: its opcode, FIN bit and payload. */
    public record WsFrame(int opcode, boolean fin, byte[] payload) {
        public int closeCode() {
            return payload.length < 2 ? -1 : ((payload[0] & 0xff) << 8) | (payload[1] & 0xff);
        }
    }

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    public final String response;

    private WsPeer(Socket socket, DataInputStream in, String response) throws IOException {
        this.socket = socket;
        this.in = in;
        this.out = socket.getOutputStream();
        this.response = response;
    }

    /** Sends the request head as given and reads the response head (the status line and headers). */
    public static WsPeer request(int port, String head) throws IOException {
        Socket s = new Socket("127.0.0.1", port);
        s.setSoTimeout(20_000);
        s.getOutputStream().write(head.getBytes(StandardCharsets.ISO_8859_1));
        DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream()));
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        while (b.size() < 4 || !b.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) break;
            b.write(c);
        }
        return new WsPeer(s, in, b.toString(StandardCharsets.ISO_8859_1));
    }

    /** A valid upgrade for the path; fails unless the server switched protocols with the right accept value. */
    public static WsPeer upgrade(int port, String path) throws Exception {
        String key = Base64.getEncoder().encodeToString(TestData.bytes(ThreadLocalRandom.current().nextLong(), 16));
        WsPeer p = request(port, upgradeHead(path, key));
        String accept = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1")
                .digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII)));
        if (!p.response.startsWith("HTTP/1.1 101 ") || !p.response.contains("Sec-WebSocket-Accept: " + accept + "\r\n")) {
            p.close();
            throw new IOException("no upgrade: " + p.response);
        }
        return p;
    }

    public static String upgradeHead(String path, String key) {
        return "GET " + path + " HTTP/1.1\r\nHost: test\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
    }

    /** Upgrades and sends the connection header for this client, as its own binary message. */
    public static WsPeer tunnel(int port, String path, java.util.UUID clientId) throws Exception {
        WsPeer p = upgrade(port, path);
        p.sendBinary(ConnectionHeader.of(clientId).encode());
        return p;
    }

    /** Sends one frame with the given first byte (FIN, RSV, opcode), masked with a random key unless {@code mask} is false. */
    public void sendFrame(int firstByte, byte[] payload, boolean mask) throws IOException {
        sendFrame(firstByte, payload, mask, payload.length);
    }

    /** Like {@link #sendFrame(int, byte[], boolean)}, announcing {@code length} (which may lie) in the header. */
    public void sendFrame(int firstByte, byte[] payload, boolean mask, long length) throws IOException {
        ByteArrayOutputStream f = new ByteArrayOutputStream();
        f.write(firstByte);
        int m = mask ? 0x80 : 0;
        if (length >= 0 && length <= 125) {
            f.write(m | (int) length);
        } else if (length >= 0 && length <= 0xffff) {
            f.write(m | 126);
            f.write((int) (length >>> 8));
            f.write((int) length);
        } else {
            f.write(m | 127);
            for (int i = 0; i < 8; i++) f.write((int) (length >>> (56 - 8 * i)));
        }
        byte[] key = TestData.bytes(ThreadLocalRandom.current().nextLong(), 4);
        if (mask) f.writeBytes(key);
        for (int i = 0; i < payload.length; i++) f.write(mask ? payload[i] ^ key[i & 3] : payload[i]);
        out.write(f.toByteArray());
        out.flush();
    }

    /** One binary message (one frame, masked): how pong-go sends each write. */
    public void sendBinary(byte[] data) throws IOException {
        sendFrame(0x82, data, true);
    }

    public void send(Frame frame) throws IOException {
        sendBinary(FrameWriter.encode(frame));
    }

    /** The next frame, or null when the connection ended. */
    public WsFrame readFrame() throws IOException {
        try {
            int b0 = in.read();
            if (b0 < 0) return null;
            int b1 = in.readUnsignedByte();
            if ((b1 & 0x80) != 0) throw new IOException("server sent a masked frame");
            long len = b1 & 0x7f;
            if (len == 126) len = in.readUnsignedShort();
            else if (len == 127) len = in.readLong();
            byte[] payload = new byte[(int) len];
            in.readFully(payload);
            return new WsFrame(b0 & 0x0f, (b0 & 0x80) != 0, payload);
        } catch (EOFException | SocketException e) {
            return null;
        }
    }

    /** Reads frames until a close frame (returned) or the end of the connection (null). */
    public WsFrame awaitClose(Duration timeout) throws IOException {
        socket.setSoTimeout((int) timeout.toMillis());
        WsFrame f;
        try {
            while ((f = readFrame()) != null) if (f.opcode() == 0x8) return f;
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server kept the connection open for " + timeout);
        }
        return null;
    }

    /** Reads until the server closes the TCP connection; the number of bytes that came first. */
    public int bytesUntilEnd(Duration timeout) throws IOException {
        socket.setSoTimeout((int) timeout.toMillis());
        int n = 0;
        try {
            while (in.read() >= 0) n++;
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server kept the connection open for " + timeout);
        } catch (SocketException e) {
            // reset: ended
        }
        return n;
    }

    /** The tunnel bytes of binary messages until {@code n} arrived (control frames skipped). */
    public byte[] readTunnelBytes(int n) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        while (b.size() < n) {
            WsFrame f = readFrame();
            if (f == null) throw new EOFException("connection ended after " + b.size() + " of " + n + " bytes");
            if (f.opcode() == 0x2 || f.opcode() == 0x0) b.writeBytes(f.payload());
        }
        return b.toByteArray();
    }

    public InputStream rawInput() {
        return in;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}

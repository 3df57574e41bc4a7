package pong.transport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Sends TLS records through a {@link TlsChannel} pair of this process, over loopback, before the half
 * serves anyone: the JIT then compiles the record path (the channel, JSSE's record layer, AES-GCM with
 * its intrinsics) while the heap is still small, instead of during the first transfer.
 *
 * <p>Why: JSSE's AES-GCM is fast only once C2 has compiled it (C1 alone moves about 19 MB/s through a
 * pong pair here); C2 compiles a method after thousands of calls, which a bulk transfer in 16 KiB records
 * reaches after hundreds of MiB, and each of those compilations takes 20-30 MiB of native memory for a
 * moment, on top of a heap that traffic has already filled. Small records reach the call counts with a
 * few MiB of data.
 *
 * <p>The channel pair uses a keystore made for this alone (a throwaway EC key in the jar, never used on
 * the wire): the client half has no key of its own, and the record path does not depend on the key.
 *
 * <p>Threading: {@link #run} blocks its caller; it uses one more virtual thread for the server side.
 */
public final class TlsWarmup {
    private static final String KEYSTORE = "warmup.p12";
    private static final char[] PASSWORD = "pong-warmup".toCharArray();
    private static final int SMALL_RECORD = 256;
    private static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(30);

    private TlsWarmup() {
    }

    /**
     * Sends {@code records} small records each way, then {@code bulkBytes} each way in whole records.
     *
     * @throws IOException the loopback connection or the handshake failed (the caller logs it and starts anyway)
     * @throws RuntimeException the TLS engine failed in the calling thread (the caller treats it as the above)
     */
    public static void run(int records, long bulkBytes) throws IOException {
        SSLContext context = context();
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Socket client = new Socket()) {
            client.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()), 10_000);
            client.setTcpNoDelay(true);
            client.setSoTimeout(30_000);
            Socket accepted = server.accept();
            accepted.setSoTimeout(30_000);
            Exception[] serverFailure = new Exception[1];
            // the server side owns the accepted socket: a failed handshake leaves it open, so it closes it itself
            Thread serverSide = Thread.ofVirtual().name("tls-warmup").start(() -> {
                try (accepted; TlsChannel tls = Tls.serverChannel(accepted, context)) {
                    exchange(tls, records, bulkBytes, false);
                } catch (IOException | RuntimeException e) {
                    serverFailure[0] = e;
                }
            });
            ClientOptions options = new ClientOptions(context, null, false, null);
            try (TlsChannel tls = Tls.clientChannel(client, options, "127.0.0.1", server.getLocalPort(), HANDSHAKE_TIMEOUT)) {
                exchange(tls, records, bulkBytes, true);
            }
            serverSide.join();
            if (serverFailure[0] instanceof IOException e) throw e;
            if (serverFailure[0] != null) throw new IOException("the warm-up's server side failed: " + serverFailure[0], serverFailure[0]);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /**
     * Small records one way, then the other (each flushed alone, so each is a record of its own and the
     * call counts pile up on the encrypting and the decrypting path of both sides without waiting for
     * round trips), then a bulk transfer each way in whole records.
     */
    private static void exchange(TlsChannel tls, int records, long bulkBytes, boolean client) throws IOException {
        InputStream in = tls.input();
        OutputStream out = tls.output();
        byte[] block = new byte[64 * 1024];
        for (int turn = 0; turn < 2; turn++) {
            if ((turn == 0) == client) {
                for (int i = 0; i < records; i++) {
                    out.write(block, 0, SMALL_RECORD);
                    out.flush();
                }
            } else {
                for (long left = (long) records * SMALL_RECORD; left > 0; ) {
                    int n = in.read(block, 0, (int) Math.min(left, block.length));
                    if (n < 0) throw new IOException("the warm-up peer closed early");
                    left -= n;
                }
            }
        }
        for (int turn = 0; turn < 2; turn++) {
            boolean send = (turn == 0) == client;
            for (long left = bulkBytes; left > 0; ) {
                int n = (int) Math.min(left, block.length);
                if (send) {
                    out.write(block, 0, n);
                } else {
                    readFully(in, block, n);
                }
                left -= n;
            }
            if (send) out.flush();
        }
    }

    private static void readFully(InputStream in, byte[] b, int len) throws IOException {
        for (int got = 0; got < len; ) {
            int n = in.read(b, got, len - got);
            if (n < 0) throw new IOException("the warm-up peer closed early");
            got += n;
        }
    }

    private static SSLContext context() throws IOException {
        try (InputStream in = TlsWarmup.class.getResourceAsStream(KEYSTORE)) {
            if (in == null) throw new IOException("the warm-up keystore is missing from the jar");
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, PASSWORD);
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, PASSWORD);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IOException("the warm-up keystore does not load: " + e.getMessage(), e);
        }
    }
}

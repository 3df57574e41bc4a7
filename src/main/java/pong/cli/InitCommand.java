package pong.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import pong.protocol.Address;
import pong.transport.Tls;

/**
 * {@code init [DIR] --host NAME_OR_IP [--port 8443]}: writes a matched pair. remote.properties goes to
 * the server, alone: it holds a self-signed EC certificate whose subjectAltName covers the host (typed as
 * a DNS name or an IP address) and its key, as a PKCS#12 keystore in base64 (tls.keystore.base64), so it
 * is written owner-only. local.properties (remote's address, the certificate's tls.pin, a fresh client id)
 * stays with the client. Never overwrites a file.
 *
 * <p>The JDK has no public API that builds a certificate, so the keystore is made by the keytool of the
 * running Java (part of every JDK and JRE image), in a private temporary folder that is removed after.
 *
 * <p>Threading: the main thread only.
 */
public final class InitCommand {
    static final int DEFAULT_PORT = 8443;
    static final String REMOTE_FILE = "remote.properties";
    static final String LOCAL_FILE = "local.properties";
    private static final Pattern DNS_NAME = Pattern.compile(
            "(?i)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");
    private static final int KEYTOOL_SECONDS = 60;
    private static final int VALIDITY_DAYS = 3650;

    private InitCommand() {
    }

    private record Options(Path dir, String host, int port) {
    }

    /** A PKCS#12 keystore's bytes and the certificate in it. */
    private record InlineKeystore(byte[] pkcs12, X509Certificate cert) {
    }

    public static int run(String[] args) throws InterruptedException {
        Options o;
        try {
            o = parse(args);
        } catch (UsageException e) {
            System.err.println("pong init: " + e.getMessage());
            System.err.println("usage: java -jar pong.jar init [DIR] --host NAME_OR_IP [--port " + DEFAULT_PORT + "]");
            return ExitCodes.CONFIG;
        }
        Path remote = o.dir().resolve(REMOTE_FILE);
        Path local = o.dir().resolve(LOCAL_FILE);
        for (Path p : List.of(remote, local)) {
            if (Files.exists(p)) {
                System.err.println("pong init: " + p + " exists already; init never overwrites (choose another folder or remove it)");
                return ExitCodes.CONFIG;
            }
        }
        try {
            Files.createDirectories(o.dir());
            String password = HexFormat.of().formatHex(randomBytes(16));
            InlineKeystore keystore = inlineKeystore(o.host(), password);
            String pin = Tls.pinOf(keystore.cert());
            UUID clientId = UUID.randomUUID();
            write(remote, remoteProperties(o, Base64.getEncoder().encodeToString(keystore.pkcs12()), password, clientId), true);
            write(local, localProperties(o, pin, clientId), false);
            System.out.println("pong init: wrote " + remote + " (with a self-signed certificate for " + o.host()
                    + " and its key inline, " + pin + ") for the server, and " + local + " for this machine.");
            System.out.println();
            System.out.println("Copy " + REMOTE_FILE + " to the server " + o.host() + " (it is the server's only file) and run there:");
            System.out.println("  java -jar pong.jar " + REMOTE_FILE);
            System.out.println("Here (then 'java -jar pong.jar check " + local + "' says whether it reaches remote):");
            System.out.println("  java -jar pong.jar " + local);
            return ExitCodes.OK;
        } catch (InitException e) {
            System.err.println("pong init: " + e.getMessage());
            return ExitCodes.FAILURE;
        } catch (IOException | GeneralSecurityException e) {
            System.err.println("pong init: " + e.getMessage());
            return ExitCodes.FAILURE;
        }
    }

    private static Options parse(String[] args) throws UsageException {
        Path dir = null;
        String host = null;
        int port = DEFAULT_PORT;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--host" -> host = value(args, ++i, a);
                case "--port" -> {
                    String v = value(args, ++i, a);
                    try {
                        port = Integer.parseInt(v);
                    } catch (NumberFormatException e) {
                        port = -1;
                    }
                    if (port < 1 || port > 65535) throw new UsageException("--port " + v + " is not a port (1..65535)");
                }
                default -> {
                    if (a.startsWith("-")) throw new UsageException("unknown option '" + a + "'");
                    if (dir != null) throw new UsageException("one folder only ('" + dir + "' and '" + a + "' given)");
                    dir = Path.of(a);
                }
            }
        }
        if (host == null) throw new UsageException("--host is required: the name or IP address clients use to reach the server");
        if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
        if (Address.ipLiteral(host) == null && !DNS_NAME.matcher(host).matches()) {
            throw new UsageException("--host '" + host + "' is neither an IP address nor a DNS name");
        }
        return new Options(dir == null ? Path.of(".") : dir, host, port);
    }

    private static String value(String[] args, int i, String option) throws UsageException {
        if (i >= args.length || args[i].startsWith("--")) throw new UsageException(option + " needs a value");
        return args[i];
    }

    /** keytool -genkeypair into a PKCS#12 keystore; returns the certificate it made. */
    static X509Certificate makeKeystore(Path keystore, String host, String password)
            throws IOException, GeneralSecurityException, InterruptedException, InitException {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        if (!Files.isExecutable(keytool)) throw new InitException("cannot make the certificate: " + keytool + " is missing");
        boolean ip = Address.ipLiteral(host) != null;
        List<String> cmd = new ArrayList<>(List.of(keytool.toString(), "-genkeypair", "-noprompt",
                "-alias", "pong", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=" + host, "-ext", "SAN=" + (ip ? "ip:" : "dns:") + host, "-validity", String.valueOf(VALIDITY_DAYS),
                "-storetype", "PKCS12", "-keystore", keystore.toString(), "-storepass:env", "PONG_STOREPASS"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        // the password goes through the environment, not the command line other users can read in ps
        pb.environment().put("PONG_STOREPASS", password);
        Process p = pb.start();
        p.getOutputStream().close();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(KEYTOOL_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new InitException("keytool did not finish within " + KEYTOOL_SECONDS + " s");
        }
        if (p.exitValue() != 0) {
            Files.deleteIfExists(keystore);
            throw new InitException("keytool failed (exit " + p.exitValue() + "): " + output.strip());
        }
        restrict(keystore);
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            ks.load(in, password.toCharArray());
        }
        return (X509Certificate) ks.getCertificate("pong");
    }

    /**
     * The keystore {@link #makeKeystore} makes, with its bytes for tls.keystore.base64: made in a temporary
     * folder of its own (owner-only on POSIX file systems) and removed from there once read.
     */
    private static InlineKeystore inlineKeystore(String host, String password)
            throws IOException, GeneralSecurityException, InterruptedException, InitException {
        Path scratch = Files.createTempDirectory("pong-init-");
        Path keystore = scratch.resolve("remote.p12");
        try {
            X509Certificate cert = makeKeystore(keystore, host, password);
            return new InlineKeystore(Files.readAllBytes(keystore), cert);
        } finally {
            Files.deleteIfExists(keystore);
            Files.deleteIfExists(scratch);
        }
    }

    private static String remoteProperties(Options o, String keystoreBase64, String password, UUID clientId) {
        return """
                # pong remote (the server half), written by 'pong init' for %1$s.
                # Run: java -jar pong.jar remote.properties    Every key: docs/deploy/remote.properties
                mode=remote
                # where clients connect (all interfaces, port %2$d)
                listen=tls://0.0.0.0:%2$d
                # the self-signed certificate for %1$s and its private key: a PKCS#12 keystore in base64, so this
                # file is secret (keep it owner-only); local.properties pins the certificate's key (tls.pin)
                tls.keystore.base64=%3$s
                tls.keystore.password=%4$s
                # the client ids allowed in, comma-separated; add one per client (a UUID: uuidgen)
                clients=%5$s
                # what remote refuses to dial: private and loopback networks and SMTP (the default)
                dst.deny=private,:25
                """.formatted(o.host(), o.port(), keystoreBase64, password, clientId);
    }

    private static String localProperties(Options o, String pin, UUID clientId) {
        String host = o.host().indexOf(':') >= 0 ? "[" + o.host() + "]" : o.host();
        return """
                # pong local (the client half), written by 'pong init' for remote %1$s.
                # Run: java -jar pong.jar local.properties    Check: java -jar pong.jar check local.properties
                # Every key: docs/deploy/local.properties
                mode=local
                # where apps connect: SOCKS5, SOCKS4a and HTTP proxy on one port (loopback only: no password needed)
                listen=127.0.0.1:1080
                remote=tls://%1$s:%2$d
                # remote's self-signed certificate is accepted by its key's hash (java -jar pong.jar pin CERT.pem)
                tls.pin=%3$s
                client.id=%4$s
                """.formatted(host, o.port(), pin, clientId);
    }

    /** A new file; a secret one is created owner-only, so its content is never readable by others, not even briefly. */
    private static void write(Path file, String text, boolean secret) throws IOException {
        try {
            if (secret) createOwnerOnly(file);
            Files.writeString(file, text, StandardCharsets.UTF_8, secret ? StandardOpenOption.TRUNCATE_EXISTING : StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE);
        } catch (FileAlreadyExistsException e) {
            throw new IOException(file + " appeared while init ran; not overwritten");
        }
    }

    private static void createOwnerOnly(Path file) throws IOException {
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(file); // not a POSIX file system: its own defaults apply
        }
    }

    /** Owner-only: the file holds a key or the password to one. */
    private static void restrict(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: its own defaults apply
        }
    }

    static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        new SecureRandom().nextBytes(b);
        return b;
    }

    static final class InitException extends Exception {
        InitException(String message) {
            super(message);
        }
    }
}

package pong.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.List;
import pong.transport.Tls;

/** {@code pin CERT.pem}: prints the tls.pin value of the file's first certificate (the server's own). */
public final class PinCommand {
    private PinCommand() {
    }

    public static int run(String[] args) {
        if (args.length != 1 || args[0].startsWith("-")) {
            System.err.println("usage: java -jar pong.jar pin CERT.pem");
            return ExitCodes.CONFIG;
        }
        Path cert = Path.of(args[0]);
        if (!Files.isReadable(cert)) {
            System.err.println("pong pin: cannot read " + cert);
            return ExitCodes.CONFIG;
        }
        try {
            List<X509Certificate> certs = TlsFiles.certificates(cert);
            System.out.println(Tls.pinOf(certs.get(0)));
            return ExitCodes.OK;
        } catch (GeneralSecurityException e) {
            System.err.println("pong pin: " + e.getMessage());
            return ExitCodes.CONFIG;
        }
    }
}

package pong.cli;

/** The text of {@code --help}: every command and what the exit codes mean. */
public final class Usage {
    private Usage() {
    }

    public static String text() {
        return """
                pong %s: a multiplexing SOCKS5/SOCKS4a/HTTP proxy; local carries every app request over one
                tunnel connection to remote (needs Java 21 or newer)

                usage:
                  java -jar pong.jar FILE.properties
                      run the half the file names (mode=local or mode=remote) until SIGTERM or Ctrl-C
                  java -jar pong.jar init [DIR] --host NAME_OR_IP [--port 8443]
                      write a matched pair into DIR (default: the current folder): remote.properties for the
                      server (its only file: a self-signed certificate for NAME_OR_IP and its key inline),
                      local.properties (tls.pin filled in, a fresh client.id) for the client; never overwrites
                  java -jar pong.jar check FILE [--url URL]
                      check a file as start-up would, and what start-up cannot know: for remote the
                      certificate (matches the key, expiry, names); for local that remote answers (DNS, TCP,
                      TLS, connection header) and, with --url, a request through the tunnel. One line per step
                  java -jar pong.jar pin CERT.pem
                      print the tls.pin value (sha256/BASE64 of the certificate's public key)
                  java [JVM options] -jar pong.jar aot FILE [--seconds 30]
                      make the JDK's AOT cache FILE (Java 24 or newer) from a training run: remote and local
                      in one JVM carry downloads, uploads, round trips and opens on loopback for that long.
                      Writes FILE.sha256 (the jar it was made for) next to it; start pong through pong-java
                      (docs/deploy), which adds -XX:AOTCache=FILE only when the Java and the jar match
                  java -jar pong.jar --help | --version

                exit codes:
                  0  clean stop (SIGTERM, Ctrl-C), or the command succeeded (check: every step passed)
                  1  any other failure: a listen address in use, remote unreachable, a check step that failed
                  2  a problem in the configuration or the files it names, in the command line, or a Java
                     older than 21
                """.formatted(Version.value());
    }
}

package pong.bench;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import pong.testing.Socks5Client;

/**
 * The {@code ssh -D} column: our own sshd (absolute path, its own config, host key and authorized key
 * in a temp folder, listening on 127.0.0.1 only, key login for the current user only, cipher
 * aes128-gcm@openssh.com) and, per workload, a fresh {@code ssh -N -D} client as that user. The
 * system's /etc/ssh and sshd service are never touched. Peak RSS is ssh's plus that of sshd's
 * per-connection processes (the listening sshd itself is left out).
 */
final class SshDynamic implements ProxyUnderTest {
    static final String CIPHER = "aes128-gcm@openssh.com";
    private static final String SSHD = "/usr/sbin/sshd";

    private final Path dir;
    private final String user = System.getProperty("user.name");
    private Process sshd;
    private Process ssh;
    private int sshdPort;
    private int socksPort;
    private int run;

    private SshDynamic(Path dir) {
        this.dir = dir;
    }

    /** Why this column cannot run here, or null if it can. */
    static String unavailable() {
        if (!Files.isExecutable(Path.of(SSHD))) return SSHD + " is missing (Debian: apt-get install openssh-server)";
        if (which("ssh") == null) return "ssh is not on PATH (Debian: apt-get install openssh-client)";
        if (which("ssh-keygen") == null) return "ssh-keygen is not on PATH (Debian: apt-get install openssh-client)";
        return null;
    }

    /** Generates keys and config in dir and starts sshd. */
    static SshDynamic prepare(Path dir) throws IOException, InterruptedException {
        SshDynamic s = new SshDynamic(dir);
        s.startSshd();
        return s;
    }

    private void startSshd() throws IOException, InterruptedException {
        Path log = dir.resolve("sshd.log");
        keygen(dir.resolve("host_key"), log);
        keygen(dir.resolve("user_key"), log);
        Files.copy(dir.resolve("user_key.pub"), dir.resolve("authorized_keys"));
        sshdPort = Processes.freePort();
        Path config = dir.resolve("sshd_config");
        Files.writeString(config, String.join("\n",
                "# pong system bench: a private sshd on loopback, removed with its temp folder",
                "Port " + sshdPort,
                "ListenAddress 127.0.0.1",
                "HostKey " + dir.resolve("host_key"),
                "PidFile " + dir.resolve("sshd.pid"),
                "AuthorizedKeysFile " + dir.resolve("authorized_keys"),
                "AllowUsers " + user + "@127.0.0.1",
                "PermitRootLogin prohibit-password",
                "PubkeyAuthentication yes",
                "PasswordAuthentication no",
                "KbdInteractiveAuthentication no",
                "UsePAM no",
                "StrictModes no",
                "UseDNS no",
                "PrintMotd no",
                "X11Forwarding no",
                "AllowTcpForwarding yes",
                "MaxStartups 100",
                "Ciphers " + CIPHER,
                "LogLevel ERROR",
                ""));
        // sshd refuses to start without its privilege separation folder; the system service would create it.
        Path privsep = Path.of("/run/sshd");
        if (!Files.isDirectory(privsep)) Files.createDirectories(privsep);
        Process check = Processes.start(List.of(SSHD, "-t", "-f", config.toString()), log);
        if (!check.waitFor(20, TimeUnit.SECONDS) || check.exitValue() != 0) {
            throw new IOException("sshd -t rejected the bench config (log: " + log + ")");
        }
        sshd = Processes.start(List.of(SSHD, "-D", "-e", "-f", config.toString()), log);
        Processes.awaitPort(sshd, sshdPort, "sshd", log);
    }

    private static void keygen(Path key, Path log) throws IOException, InterruptedException {
        Process p = Processes.start(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key.toString()), log);
        if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) throw new IOException("ssh-keygen failed (log: " + log + ")");
    }

    @Override
    public String name() {
        return "ssh -D";
    }

    @Override
    public void start() throws IOException, InterruptedException {
        run++;
        socksPort = Processes.freePort();
        Path log = dir.resolve("ssh-" + run + ".log");
        ssh = Processes.start(List.of("ssh", "-F", "/dev/null", "-N",
                "-D", "127.0.0.1:" + socksPort,
                "-p", String.valueOf(sshdPort),
                "-i", dir.resolve("user_key").toString(),
                "-o", "IdentitiesOnly=yes",
                "-o", "BatchMode=yes",
                "-o", "StrictHostKeyChecking=no",
                "-o", "UserKnownHostsFile=/dev/null",
                "-o", "Ciphers=" + CIPHER,
                "-o", "Compression=no",
                "-o", "ExitOnForwardFailure=yes",
                "-o", "LogLevel=ERROR",
                user + "@127.0.0.1"), log);
        Processes.awaitPort(ssh, socksPort, "ssh -D", log);
    }

    @Override
    public Socket connect(int originPort) throws IOException {
        return Socks5Client.connect(socksPort, "127.0.0.1", originPort);
    }

    @Override
    public long peakRssKib() {
        return PeakRss.kib(ssh.pid()) + PeakRss.descendantsKib(sshd.pid());
    }

    @Override
    public void stop() throws InterruptedException {
        Processes.stop(ssh);
        ssh = null;
    }

    @Override
    public void close() throws InterruptedException {
        stop();
        Processes.stop(sshd);
        sshd = null;
    }

    private static Path which(String command) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path p = Path.of(d.isEmpty() ? "." : d, command);
            if (Files.isExecutable(p)) return p;
        }
        return null;
    }
}

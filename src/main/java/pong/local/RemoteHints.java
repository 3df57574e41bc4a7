package pong.local;

/**
 * What to change when local cannot open a tunnel to remote, from the failure's text: the classic
 * mistakes (a certificate that does not name the host, an untrusted one, a changed key, the wrong
 * transport scheme) each get the fix in one sentence. Used by local's log and by {@code check}, so
 * both say the same.
 */
public final class RemoteHints {
    private RemoteHints() {
    }

    /**
     * The fix for a failed TLS handshake with remote, or null when the failure is none of the known ones.
     *
     * @param problem the failure's text, causes included ({@link #rootMessage})
     * @param name    the name local checks remote's certificate against (tls.sni, else remote's host)
     */
    public static String tls(String problem, String name) {
        if (problem.contains("tls.pin")) {
            return "if remote's key changed on purpose, put the new value in tls.pin (java -jar pong.jar pin CERT.pem on the server)";
        }
        if (problem.contains("PKIX") || problem.contains("unable to find valid certification path")) {
            return "remote's certificate is not signed by a CA this machine trusts: set tls.trust=CERT.pem or tls.pin"
                    + " (java -jar pong.jar pin CERT.pem)";
        }
        if (problem.contains("subject alternative") || problem.contains("No name matching")) {
            return "remote's certificate does not name '" + name + "' in its subjectAltName: make one that does"
                    + " (java -jar pong.jar init --host " + name + ", or keytool/openssl with -ext SAN=dns:NAME or ip:ADDRESS, see"
                    + " README, Certificates), set tls.sni to a name it covers, or accept exactly its key with tls.pin"
                    + " (java -jar pong.jar pin CERT.pem)";
        }
        if (problem.contains("Read timed out")) {
            return "no TLS answer within connect.timeout: does remote listen with tls:// (not tcp://)?";
        }
        if (problem.contains("Unsupported or unrecognized SSL message") || problem.contains("Remote host terminated")
                || problem.contains("closed the connection during the TLS handshake")
                || problem.contains("Connection reset")) {
            return "remote does not speak TLS here: does it listen with tls://, or should remote= say tcp://?";
        }
        return null;
    }

    /** The message of {@code e} followed by those of its causes that add something. */
    public static String rootMessage(Throwable e) {
        Throwable t = e;
        StringBuilder b = new StringBuilder(String.valueOf(e.getMessage()));
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
            if (t.getMessage() != null && !b.toString().contains(t.getMessage())) b.append(": ").append(t.getMessage());
        }
        return b.toString();
    }
}

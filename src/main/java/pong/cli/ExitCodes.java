package pong.cli;

/**
 * What the process's exit status means (README and the help text list the same): scripts and service
 * managers tell a configuration to fix from a failure that may pass by itself.
 */
public final class ExitCodes {
    /** A clean stop (SIGTERM, Ctrl-C), or a command that did what it was asked. */
    public static final int OK = 0;
    /** Any other failure: a listen address in use, remote unreachable, a check step that failed. */
    public static final int FAILURE = 1;
    /** Something wrong in the configuration, the files it names or the command line (also: a Java that is too old). */
    public static final int CONFIG = 2;

    private ExitCodes() {
    }
}

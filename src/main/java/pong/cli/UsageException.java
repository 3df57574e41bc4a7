package pong.cli;

/** A command line that cannot be run as given: the message says what is wrong; the exit code is {@link ExitCodes#CONFIG}. */
final class UsageException extends Exception {
    UsageException(String message) {
        super(message);
    }
}

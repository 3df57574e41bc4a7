package pong.config;

/** What a properties file configures: one of the two halves, as its {@code mode} key says. */
public sealed interface ModeConfig permits LocalConfig, RemoteConfig {
    /** The limits both halves have (shutdown.grace among them). */
    Limits limits();

    /**
     * tls.warmup (default on) and a TLS-based transport: send records through a TLS pair of the process
     * before serving, so the JIT compiles the record path before the first transfer needs it.
     */
    boolean tlsWarmup();
}
